"""Bulk enrolment from a spreadsheet: parse, preview (dry run), apply, report.

The preview is read in the request (the file is bounded); applying up to ``INLINE_APPLY`` rows
happens in the request too, a larger import in the background (`tasks.apply_import`) in
chunks that write their progress on the batch's row.

Columns (header row, any order, case-insensitive): ``email`` (required), ``role`` (mentor,
mentee or both; default mentee), ``capacity`` (mentors only, optional). Each person must
already be a member of the programme's organization or a partner organization: imports
enrol people, they never create accounts.
"""

import csv
import io
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.lib import tabular
from carementor.lib.spreadsheet import safe_row
from carementor.organizations.models import Membership
from carementor.programs.models import Enrollment, ImportBatch, Program
from carementor.programs.services import ProgramError, enrollment_add

log = logging.getLogger(__name__)

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
LIMITS = tabular.Limits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=50, max_cell=320)
INLINE_APPLY = 200  # rows applied in the request; a larger import goes to the task queue
CHUNK = 100  # rows applied per transaction (and per progress step)


def _read_table(filename: str, content: bytes) -> list[list[str]]:
    try:
        return tabular.read_table(filename, content, LIMITS)
    except tabular.TableError as exc:
        raise ProgramError(exc.message, exc.code) from exc


def parse(
    program: Program, filename: str, content: bytes
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Valid rows and per-line errors ({"line", "reason"}); line 1 is the header."""
    table = _read_table(filename, content)
    if not table:
        raise ProgramError(_("The file is empty."), "empty")
    header = [h.strip().lower() for h in table[0]]
    if "email" not in header:
        raise ProgramError(_("The first row must name the columns, including “email”."), "header")
    col: dict[str, int] = {
        name: header.index(name) for name in ("email", "role", "capacity") if name in header
    }

    def cell(row: list[str], name: str) -> str:
        i = col.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    organizations = {program.organization_id} | set(
        program.partner_organizations.values_list("pk", flat=True)
    )
    emails = {cell(r, "email").lower() for r in table[1:]}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails)}
    members = set(
        Membership.objects.filter(
            user__in=users.values(), organization_id__in=organizations
        ).values_list("user_id", flat=True)
    )
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line, raw in enumerate(table[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        email = cell(raw, "email").lower()
        role = (cell(raw, "role") or Enrollment.Role.MENTEE).lower()
        capacity_text = cell(raw, "capacity")
        try:
            validate_email(email)
        except ValidationError:
            errors.append({"line": line, "reason": _("“%s” is not an e-mail address.") % email})
            continue
        if email in seen:
            errors.append({"line": line, "reason": _("%s appears twice in the file.") % email})
            continue
        seen.add(email)
        if role not in Enrollment.Role.values:
            errors.append(
                {"line": line, "reason": _("Role must be mentor, mentee or both, not “%s”.") % role}
            )
            continue
        capacity: int | None = None
        if capacity_text:
            try:
                capacity = int(float(capacity_text))
            except ValueError:
                capacity = -1
            if not 0 <= capacity <= 50:
                errors.append(
                    {"line": line, "reason": _("Capacity must be a number from 0 to 50.")}
                )
                continue
        user = users.get(email)
        if user is None or user.pk not in members:
            errors.append(
                {
                    "line": line,
                    "reason": _("%s is not a member of a participating organization.") % email,
                }
            )
            continue
        rows.append({"line": line, "email": email, "role": role, "capacity": capacity})
    return rows, errors


@transaction.atomic
def import_preview(*, program: Program, actor: User, filename: str, content: bytes) -> ImportBatch:
    rows, errors = parse(program, filename, content)
    batch = ImportBatch.objects.create(
        program=program,
        filename=filename[:255],
        rows=rows,
        errors=errors,
        created_by=actor,
    )
    record(
        actor,
        "program.import_previewed",
        program,
        organization=program.organization,
        detail={"batch": batch.code, "valid": len(rows), "errors": len(errors)},
    )
    return batch


def import_apply(*, batch: ImportBatch, actor: User) -> ImportBatch:
    """Apply a previewed import: now when small, else in the background with progress.

    Applying a failed import again resumes after the rows already applied."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == ImportBatch.Status.APPLIED:
            raise ProgramError(_("This import has already been applied."), "applied")
        if batch.is_working:
            raise ProgramError(_("This import is already being applied."), "busy")
        if batch.status == ImportBatch.Status.PREVIEWED:
            batch.progress_done, batch.report = 0, {"created": 0, "updated": 0}
        batch.status = ImportBatch.Status.QUEUED
        batch.applied_by = actor
        batch.progress_total = len(batch.rows)
        batch.error = ""
        batch.save(
            update_fields=[
                "status",
                "applied_by",
                "progress_done",
                "progress_total",
                "report",
                "error",
            ]
        )
        if batch.progress_total > INLINE_APPLY:
            from carementor.programs.tasks import apply_import

            batch_id = batch.pk
            transaction.on_commit(lambda: apply_import.enqueue(batch_id))
            return batch
    import_execute(batch.pk)
    batch.refresh_from_db()
    return batch


def import_execute(batch_id: int, resume: bool = False) -> None:
    """Apply a queued import chunk by chunk. Safe to run twice: only a queued batch is picked
    up, or, when the queue retries a task whose worker died (``resume``), the batch that worker
    left applying; each chunk commits with the progress that skips it next time."""
    claimable = [ImportBatch.Status.QUEUED, *([ImportBatch.Status.APPLYING] if resume else [])]
    claimed = ImportBatch.objects.filter(pk=batch_id, status__in=claimable).update(
        status=ImportBatch.Status.APPLYING
    )
    if not claimed:
        return
    try:
        while _apply_chunk(batch_id):
            pass
    except Exception as exc:  # a background job must leave the row in a final state
        log.exception("import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportBatch.Status.FAILED, error=str(exc)[:500]
        )
        return
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("program__organization", "applied_by")
            .get(pk=batch_id)
        )
        batch.status = ImportBatch.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.report = {**batch.report, "skipped": len(batch.errors)}
        batch.save(update_fields=["status", "applied_at", "report"])
        record(
            batch.applied_by,
            "program.import_applied",
            batch.program,
            organization=batch.program.organization,
            detail={"batch": batch.code, **batch.report},
        )


@transaction.atomic
def _apply_chunk(batch_id: int) -> bool:
    """Apply the next CHUNK rows and advance the progress with them; False when none is left."""
    batch = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("program__organization", "applied_by")
        .get(pk=batch_id)
    )
    rows = batch.rows[batch.progress_done : batch.progress_done + CHUNK]
    if batch.status != ImportBatch.Status.APPLYING or not rows:
        return False
    users = {u.email.lower(): u for u in User.objects.filter(email__in=[r["email"] for r in rows])}
    created = updated = 0
    for row in rows:
        user = users.get(row["email"])
        if user is None:  # the account was deleted since the preview
            continue
        _enrollment, was_created = enrollment_add(
            program=batch.program,
            actor=batch.applied_by,
            user=user,
            role=row["role"],
            capacity=row["capacity"],
        )
        created += was_created
        updated += not was_created
    batch.progress_done += len(rows)
    batch.report = {
        "created": batch.report.get("created", 0) + created,
        "updated": batch.report.get("updated", 0) + updated,
    }
    batch.save(update_fields=["progress_done", "report"])
    return True


def export_csv(enrollments: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["email", "full_name", "role", "status", "capacity", "seats_taken", "applied"])
    for e in enrollments:
        writer.writerow(
            safe_row(
                [
                    e.user.email,
                    e.user.full_name,
                    e.role,
                    e.status,
                    e.capacity,
                    e.seats_taken,
                    e.created_at.date().isoformat(),
                ]
            )
        )
    return out.getvalue()
