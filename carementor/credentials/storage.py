"""Evidence files (and message attachments), in the private "evidence" folder."""

from carementor.lib.private_files import PrivateFolder

_folder = PrivateFolder("evidence")

name_for = _folder.name_for
save_bytes = _folder.save_bytes
open_file = _folder.open
read_bytes = _folder.read_bytes
exists = _folder.exists
delete = _folder.delete
