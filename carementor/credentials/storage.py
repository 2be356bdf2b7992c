"""Evidence files (and message attachments) on disk, in the private "evidence" folder."""

from carementor.lib.private_files import PrivateFolder

_folder = PrivateFolder("evidence")

evidence_root = _folder.root
path_for = _folder.path_for
save_bytes = _folder.save_bytes
read_bytes = _folder.read_bytes
delete = _folder.delete
