"""State changes of data rights: exports requested and built, erasures requested, cancelled
and carried out. An organization admin may act for a member (on the member's request); the
member is told by e-mail either way, and the export link goes only to the member."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.lib.api_errors import ApiError
from carementor.privacy.erasure import erase_person
from carementor.privacy.export import build_zip
from carementor.privacy.models import EXPORT_DAYS, GRACE_DAYS, DataExport, ErasureRequest
from carementor.privacy.storage import export_storage

# One export at a time is plenty; more would let a stolen session load the workers.
MAX_PENDING_EXPORTS = 1


def _mail(user: User, template: str, context: dict[str, object]) -> None:
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    with override(user.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"privacy/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"privacy/email/{template}_body.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def export_request(
    user: User, *, requested_by: User, request: HttpRequest | None = None
) -> DataExport:
    """Ask for a ZIP of everything about ``user``; it is built in the background."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if DataExport.objects.filter(user=user, status=DataExport.Status.PENDING).count() >= (
        MAX_PENDING_EXPORTS
    ):
        raise ApiError(409, _("An export is already being prepared."), "export_pending")
    export = DataExport.objects.create(user=user, requested_by=requested_by)
    record(requested_by, "privacy.export_requested", export, request=request, subject=user)
    transaction.on_commit(lambda: _enqueue_build(export.pk))
    return export


def _enqueue_build(export_id: int) -> None:
    from carementor.privacy.tasks import build_export

    build_export.enqueue(export_id)


def export_build(export_id: int) -> DataExport | None:
    """Build the ZIP, store it privately, e-mail the link. Safe to run twice."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    content = build_zip(export.user)
    name = export_storage().save(f"{export.user.code}/{export.code}.zip", ContentFile(content))
    now = timezone.now()
    export.storage_name = name
    export.size = len(content)
    export.status = DataExport.Status.READY
    export.ready_at = now
    export.expires_at = now + timedelta(days=EXPORT_DAYS)
    export.save(update_fields=["storage_name", "size", "status", "ready_at", "expires_at"])
    record(None, "privacy.export_ready", export, subject=export.user, actor_label="export-task")
    link = settings.SITE_URL + reverse("privacy:export_download", args=[export.code])
    _mail(export.user, "export_ready", {"link": link, "days": EXPORT_DAYS})
    return export


def export_open(export: DataExport, reader: User, *, request: HttpRequest | None = None) -> bytes:
    """The ZIP's bytes for its owner, audited as a read of an export."""
    if export.user_id != reader.pk:
        raise PermissionDenied
    if not export.is_downloadable():
        raise ApiError(410, _("This export has expired. Ask for a new one."), "export_expired")
    with export_storage().open(export.storage_name, "rb") as handle:
        data = handle.read()
    record(reader, "privacy.export.read", export, request=request, subject=export.user)
    return bytes(data)


def exports_purge() -> int:
    """Delete the files of expired exports (the rows stay, marked expired)."""
    purged = 0
    for export in DataExport.objects.expired():
        export_storage().delete(export.storage_name)
        export.storage_name = ""
        export.status = DataExport.Status.EXPIRED
        export.save(update_fields=["storage_name", "status"])
        purged += 1
    return purged


@transaction.atomic
def erasure_request(
    user: User, *, requested_by: User, request: HttpRequest | None = None
) -> ErasureRequest:
    """Schedule the erasure of ``user`` after the grace period. The caller has already
    re-authenticated the person (their password) or checked the admin's role."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = ErasureRequest.objects.open().filter(user=user).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(
                user=user,
                requested_by=requested_by,
                scheduled_for=timezone.now() + timedelta(days=GRACE_DAYS),
            )
    except IntegrityError:  # the same request from another tab, a moment ago
        return ErasureRequest.objects.open().get(user=user)
    record(requested_by, "privacy.erasure_requested", erasure, request=request, subject=user)
    cancel = settings.SITE_URL + reverse("privacy:data")
    transaction.on_commit(
        lambda: _mail(
            user,
            "erasure_scheduled",
            {"when": erasure.scheduled_for, "link": cancel, "days": GRACE_DAYS},
        )
    )
    return erasure


@transaction.atomic
def erasure_cancel(
    erasure: ErasureRequest, *, actor: User, request: HttpRequest | None = None
) -> ErasureRequest:
    erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
    if erasure.cancelled_at is not None or erasure.completed_at is not None:
        return erasure
    erasure.cancelled_at = timezone.now()
    erasure.save(update_fields=["cancelled_at"])
    record(actor, "privacy.erasure_cancelled", erasure, request=request, subject=erasure.user)
    return erasure


@transaction.atomic
def erasure_carry_out(erasure: ErasureRequest) -> bool:
    """Erase the person if the request is still due. Returns whether it erased."""
    erasure = ErasureRequest.objects.select_for_update().select_related("user").get(pk=erasure.pk)
    now = timezone.now()
    if (
        erasure.cancelled_at is not None
        or erasure.completed_at is not None
        or erasure.legal_hold
        or erasure.scheduled_for > now
    ):
        return False
    erase_person(erasure.user)
    erasure.completed_at = now
    erasure.save(update_fields=["completed_at"])
    record(None, "privacy.erased", erasure, subject=erasure.user, actor_label="privacy_erase")
    return True
