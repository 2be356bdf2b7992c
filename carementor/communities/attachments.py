"""Files on posts and comments: checked like credential evidence, images re-saved without
their metadata, kept in the private storage and handed out only after the post's gate."""

import hashlib
import io
from dataclasses import replace

from django.db import transaction
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.communities.errors import CommunityError
from carementor.communities.models import Attachment, Comment, Post, Visibility
from carementor.communities.permissions import CommunityAccess
from carementor.credentials.uploads import JPEG, PNG, InspectedFile
from carementor.lib.private_files import PrivateFolder, download_response

MAX_PER_ITEM = 5

storage = PrivateFolder("communities")


def strip_metadata(inspected: InspectedFile) -> InspectedFile:
    """An image re-encoded from its pixels alone: EXIF (GPS position, camera, time), XMP,
    comments and text chunks are gone. The EXIF orientation is applied first, so the picture
    still stands the right way up. PDFs pass unchanged."""
    if inspected.content_type not in (PNG, JPEG):
        return inspected
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(inspected.data)) as image:
        upright = ImageOps.exif_transpose(image)
        if inspected.content_type == JPEG and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        # A new image from the raw pixels carries no EXIF, XMP, comments or text chunks.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        if upright.mode == "P" and upright.getpalette():
            clean.putpalette(upright.getpalette() or [])
        out = io.BytesIO()
        if inspected.content_type == JPEG:
            clean.save(out, "JPEG", quality=90)
        else:
            clean.save(out, "PNG")
    data = out.getvalue()
    return replace(inspected, data=data, sha256=hashlib.sha256(data).hexdigest())


def store(files: list[InspectedFile]) -> list[tuple[InspectedFile, str]]:
    """Write the cleaned files and return each with its storage name. Call before the
    transaction; on failure, :func:`discard` removes them."""
    if len(files) > MAX_PER_ITEM:
        raise CommunityError(
            _("Attach at most %(n)d files.") % {"n": MAX_PER_ITEM},
            status=422,
            code="too_many_files",
        )
    stored: list[tuple[InspectedFile, str]] = []
    try:
        for inspected in files:
            clean = strip_metadata(inspected)
            stored.append((clean, storage.save_bytes(clean.data)))
    except BaseException:
        discard(stored)
        raise
    return stored


def discard(stored: list[tuple[InspectedFile, str]]) -> None:
    for _file, name in stored:
        storage.delete(name)


def link(
    stored: list[tuple[InspectedFile, str]], *, post: Post, uploader: User, comment: Comment | None
) -> list[Attachment]:
    """Attachment rows for files already stored (inside the caller's transaction)."""
    return [
        Attachment.objects.create(
            post=post,
            comment=comment,
            uploaded_by=uploader,
            name=clean.name,
            content_type=clean.content_type,
            size=clean.size,
            sha256=clean.sha256,
            storage_name=name,
        )
        for clean, name in stored
    ]


def attachment_add(
    access: CommunityAccess,
    post: Post,
    uploader: User,
    inspected: InspectedFile,
    *,
    comment: Comment | None = None,
    request: HttpRequest | None = None,
) -> Attachment:
    """The author adds a file to their post or comment afterwards (what the API does)."""
    target: Post | Comment = comment if comment is not None else post
    if target.author_id != uploader.pk or not access.can_post:
        raise CommunityError(
            _("Only the author may attach files."), status=403, code="not_the_author"
        )
    if target.visibility == Visibility.REMOVED:
        raise CommunityError(_("This was removed."), code="removed")
    stored = store([inspected])
    try:
        with transaction.atomic():
            count = Attachment.objects.select_for_update().filter(post=post, comment=comment)
            if len(count) >= MAX_PER_ITEM:
                raise CommunityError(
                    _("Attach at most %(n)d files.") % {"n": MAX_PER_ITEM},
                    status=422,
                    code="too_many_files",
                )
            (attachment,) = link(stored, post=post, uploader=uploader, comment=comment)
            record(
                uploader,
                "communities.attached",
                attachment,
                organization=access.community.organization,
                request=request,
                detail={"post": post.code, "comment": comment.code if comment else ""},
            )
    except BaseException:
        discard(stored)
        raise
    return attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    """Streamed as a download that cannot run; call after the gate."""
    return download_response(
        storage.open(attachment.storage_name),
        filename=attachment.name,
        content_type=attachment.content_type,
    )
