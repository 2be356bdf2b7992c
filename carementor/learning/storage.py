"""Module documents on disk, in the private "learning" folder (same rules as evidence)."""

from carementor.lib.private_files import PrivateFolder

_folder = PrivateFolder("learning")

documents_root = _folder.root
path_for = _folder.path_for
save_bytes = _folder.save_bytes
read_bytes = _folder.read_bytes
delete = _folder.delete
