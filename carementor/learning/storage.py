"""Module documents, in the private "learning" folder (same rules as evidence)."""

from carementor.lib.private_files import PrivateFolder

_folder = PrivateFolder("learning")

name_for = _folder.name_for
save_bytes = _folder.save_bytes
open_file = _folder.open
read_bytes = _folder.read_bytes
exists = _folder.exists
delete = _folder.delete
