"""HR feeds: the organization's staff list, read from a CSV/XLSX file in object storage or at
an HTTPS address, compared with what the feed said last time, and applied once confirmed.

A run reads the whole file within fixed bounds (``lib.tabular``), maps its columns through
the feed's saved mapping and computes a diff: joiners (new employee numbers), changes
(known numbers with other details) and leavers (known numbers missing from the file, or with
a last working day in the past). A run with any row error cannot be applied: a mistyped row
must not make someone a leaver. Applying is one transaction: joiners get an account and a
membership (or an invitation, when an account exists outside the organization), changes are
written, leavers leave as SCIM deprovisioning does (``services.member_end``).
"""

import contextlib
import datetime
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from carementor.accounts.models import User
from carementor.audit.services import record
from carementor.integrations import outbound
from carementor.integrations.models import (
    HR_REQUIRED_FIELDS,
    HrFeed,
    HrFeedPerson,
    HrFeedRun,
    HrField,
)
from carementor.integrations.services import member_end
from carementor.integrations.webhooks import _allow_loopback
from carementor.lib import tabular
from carementor.lib.errors import DomainError
from carementor.lib.private_files import private_storage
from carementor.organizations.models import Invitation, Membership, Organization, Role
from carementor.organizations.services import Conflict, invitation_issue, invitation_withdraw

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
LIMITS = tabular.Limits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=50, max_cell=320)
MAX_FEEDS = 10
STORAGE_FOLDER = "hr-feeds"
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Roles an HR file may give: privileged roles are granted in CareMentor, never by a file.
FEED_ROLES = (Role.MEMBER.value, Role.MENTOR.value)
INTERVALS = {HrFeed.Frequency.DAILY: timedelta(days=1), HrFeed.Frequency.WEEKLY: timedelta(days=7)}
PERSON_FIELDS = ("email", "full_name", "department", "job_title", "role")


class HrFeedError(DomainError):
    """A refused HR feed change or run; ``field`` names the form field it concerns."""

    def __init__(
        self, message: str, *, status: int = 422, code: str = "hr_feed_invalid", field: str = ""
    ) -> None:
        super().__init__(message, status=status, code=code)
        self.field = field


def _label(feed: HrFeed) -> str:
    return f"HR feed {feed.code}"


def _require_admin(actor: Any, organization: Organization) -> None:
    if actor.is_staff:
        return
    if not Membership.objects.filter(user=actor, organization=organization, is_admin=True).exists():
        raise PermissionDenied(_("Only an organization admin may do this."))


def _require_manager(actor: Any, organization: Organization) -> None:
    """Admins configure feeds; admins and coordinators read their runs and apply them."""
    if actor is None or actor.is_staff:
        return
    members = Membership.objects.filter(user=actor, organization=organization)
    if (
        not members.filter(is_admin=True).exists()
        and not members.filter(is_coordinator=True).exists()
    ):
        raise PermissionDenied(_("Only an organization admin or coordinator may do this."))


# --- Configuration ------------------------------------------------------------------------


@dataclass
class FeedData:
    name: str
    source: str
    file_name: str = ""
    url: str = ""
    mapping: dict[str, str] | None = None
    frequency: str = HrFeed.Frequency.DAILY


def storage_name_for(organization: Organization, file_name: str) -> str:
    """Each organization's feed files live under its own folder, named by the admin."""
    if not _FILE_NAME.fullmatch(file_name or ""):
        raise HrFeedError(
            _(
                "Name the file with letters, digits, dots, dashes and underscores only, "
                "e.g. staff.csv."
            ),
            field="file_name",
        )
    return f"{STORAGE_FOLDER}/{organization.code}/{file_name}"


def clean_url(url: str) -> str:
    """HTTPS only; plain HTTP to this machine only where loopback is allowed (development)."""
    url = url.strip()
    parts = urlsplit(url)
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and loopback and _allow_loopback():
        return url
    raise HrFeedError(_("Use an https:// address for the feed."), field="url")


def clean_mapping(mapping: dict[str, str] | None) -> dict[str, str]:
    """{field: column header}; employee number and e-mail are required, headers unique."""
    cleaned: dict[str, str] = {}
    for key, header in (mapping or {}).items():
        if key not in HrField.values:
            raise HrFeedError(_("“%(field)s” is not a field a feed can map.") % {"field": key})
        header = str(header or "").strip()
        if header:
            cleaned[key] = header[:100]
    for required in HR_REQUIRED_FIELDS:
        if required not in cleaned:
            raise HrFeedError(
                _("Name the column that holds the %(field)s.")
                % {"field": str(HrField(required).label).lower()},
                field=f"map_{required}",
            )
    headers = [h.lower() for h in cleaned.values()]
    if len(headers) != len(set(headers)):
        raise HrFeedError(_("Each column can hold only one field."))
    return {key: cleaned[key] for key in HrField.values if key in cleaned}


def _clean(organization: Organization, data: FeedData) -> dict[str, Any]:
    name = data.name.strip()
    if not name:
        raise HrFeedError(_("Give the feed a name."), field="name")
    if data.source not in HrFeed.Source.values:
        raise HrFeedError(_("Choose where the file comes from."), field="source")
    if data.frequency not in HrFeed.Frequency.values:
        raise HrFeedError(_("Choose a schedule."), field="frequency")
    fields: dict[str, Any] = {
        "name": name[:100],
        "source": data.source,
        "mapping": clean_mapping(data.mapping),
        "frequency": data.frequency,
        "storage_name": "",
        "url": "",
    }
    if data.source == HrFeed.Source.URL:
        fields["url"] = clean_url(data.url)
    else:
        fields["storage_name"] = storage_name_for(organization, data.file_name)
    return fields


def _check_unique_name(organization: Organization, name: str, exclude: HrFeed | None) -> None:
    others = HrFeed.objects.filter(organization=organization, name__iexact=name)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise HrFeedError(
            _("Another feed here is already called “%(name)s”.") % {"name": name},
            status=409,
            code="hr_feed_exists",
            field="name",
        )


def _next_run(frequency: str, now: datetime.datetime | None = None) -> datetime.datetime | None:
    interval = INTERVALS.get(HrFeed.Frequency(frequency))
    return (now or timezone.now()) + interval if interval else None


@transaction.atomic
def hr_feed_create(
    organization: Organization, data: FeedData, actor: Any, *, request: HttpRequest | None = None
) -> HrFeed:
    _require_admin(actor, organization)
    fields = _clean(organization, data)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _check_unique_name(organization, fields["name"], None)
    if HrFeed.objects.filter(organization=organization).count() >= MAX_FEEDS:
        raise HrFeedError(
            _("An organization has at most %(count)d HR feeds.") % {"count": MAX_FEEDS},
            status=409,
            code="too_many_feeds",
        )
    feed = HrFeed.objects.create(
        organization=organization,
        created_by=actor,
        next_run_at=_next_run(fields["frequency"]),
        **fields,
    )
    record(
        actor,
        "hr_feed.created",
        feed,
        organization=organization,
        request=request,
        detail={"source": feed.source, "fields": sorted(feed.mapping)},
    )
    return feed


@transaction.atomic
def hr_feed_update(
    feed: HrFeed, data: FeedData, actor: Any, *, request: HttpRequest | None = None
) -> HrFeed:
    _require_admin(actor, feed.organization)
    fields = _clean(feed.organization, data)
    feed = HrFeed.objects.select_for_update().select_related("organization").get(pk=feed.pk)
    _check_unique_name(feed.organization, fields["name"], feed)
    changed = [name for name, value in fields.items() if getattr(feed, name) != value]
    if not changed:
        return feed
    for name in changed:
        setattr(feed, name, fields[name])
    if "frequency" in changed:
        feed.next_run_at = _next_run(feed.frequency)
        changed.append("next_run_at")
    feed.save(update_fields=changed)
    record(
        actor,
        "hr_feed.updated",
        feed,
        organization=feed.organization,
        request=request,
        detail={"fields": sorted(changed)},
    )
    return feed


@transaction.atomic
def hr_feed_delete(feed: HrFeed, actor: Any, *, request: HttpRequest | None = None) -> None:
    """Forget the feed and its runs; members it brought in stay members."""
    _require_admin(actor, feed.organization)
    record(actor, "hr_feed.deleted", feed, organization=feed.organization, request=request)
    feed.delete()


def hr_feed_upload(
    feed: HrFeed, filename: str, content: bytes, actor: Any, *, request: HttpRequest | None = None
) -> str:
    """Put a new file at the feed's place in storage, as the HR system would. The file is
    read (within bounds) first, so a malformed one never replaces a good one."""
    _require_admin(actor, feed.organization)
    if feed.source != HrFeed.Source.STORAGE:
        raise HrFeedError(_("This feed reads an HTTPS address, not a stored file."), status=409)
    _read_table(filename, content)
    storage = private_storage()
    # Storage.save never overwrites: the old file goes first, under the organization's own
    # folder, whose name came from storage_name_for.
    if storage.exists(feed.storage_name):
        storage.delete(feed.storage_name)
    storage.save(feed.storage_name, ContentFile(content))
    record(
        actor,
        "hr_feed.file_uploaded",
        feed,
        organization=feed.organization,
        request=request,
        detail={"bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()},
    )
    return feed.storage_name


# --- Reading ------------------------------------------------------------------------------


def _read_table(filename: str, content: bytes) -> list[list[str]]:
    try:
        return tabular.read_table(filename, content, LIMITS)
    except tabular.TableError as exc:
        raise HrFeedError(exc.message, status=exc.status, code=exc.code) from exc


def _fetch(url: str) -> bytes:
    """GET the file: HTTPS, no redirects, a timeout, at most MAX_BYTES, no private addresses."""
    url = clean_url(url)
    try:
        return outbound.fetch(url, max_bytes=MAX_BYTES, user_agent="CareMentor-HR-Feed/1")
    except outbound.FetchError as exc:
        raise HrFeedError(exc.message, status=exc.status, code=exc.code) from exc


def read_source(feed: HrFeed) -> tuple[str, bytes]:
    """The feed's file name and bytes, wherever it lives."""
    if feed.source == HrFeed.Source.URL:
        return urlsplit(feed.url).path.rsplit("/", 1)[-1], _fetch(feed.url)
    storage = private_storage()
    try:
        with storage.open(feed.storage_name, "rb") as handle:
            content = handle.read(MAX_BYTES + 1)
    except (FileNotFoundError, OSError) as exc:
        raise HrFeedError(
            _("There is no file at %(name)s yet. Upload one, or have the HR system put it there.")
            % {"name": feed.storage_name},
            status=404,
            code="no_file",
        ) from exc
    return feed.storage_name, content


@dataclass
class Row:
    line: int
    employee_number: str
    email: str
    full_name: str = ""
    department: str = ""
    job_title: str = ""
    role: str = ""
    end_date: datetime.date | None = None

    def values(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in PERSON_FIELDS}


def parse(feed: HrFeed, filename: str, content: bytes) -> tuple[list[Row], list[dict[str, Any]]]:
    """Rows by the feed's mapping, and errors ({"line", "reason"}); line 1 is the header."""
    table = _read_table(filename, content)
    if not table:
        raise HrFeedError(_("The file is empty."), code="empty")
    header = [h.strip().lower() for h in table[0]]
    columns: dict[str, int] = {}
    for key, wanted in feed.mapping.items():
        if wanted.lower() not in header:
            if key in HR_REQUIRED_FIELDS:
                raise HrFeedError(
                    _("The file has no column “%(header)s” (mapped to %(field)s).")
                    % {"header": wanted, "field": str(HrField(key).label).lower()},
                    code="header",
                )
            continue
        columns[key] = header.index(wanted.lower())

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    rows: list[Row] = []
    errors: list[dict[str, Any]] = []
    numbers: set[str] = set()
    emails: set[str] = set()
    for line, raw in enumerate(table[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        number = cell(raw, "employee_number")
        email = cell(raw, "email").lower()
        problem = _row_problem(number, email, cell(raw, "role").lower(), numbers, emails)
        end_date: datetime.date | None = None
        end_text = cell(raw, "end_date")
        if not problem and end_text:
            try:
                end_date = datetime.date.fromisoformat(end_text[:10])
            except ValueError:
                problem = _("“%(value)s” is not a date (write it as YYYY-MM-DD).") % {
                    "value": end_text[:40]
                }
        if problem:
            errors.append({"line": line, "reason": problem})
            continue
        numbers.add(number)
        emails.add(email)
        rows.append(
            Row(
                line=line,
                employee_number=number,
                email=email,
                full_name=cell(raw, "full_name")[:150],
                department=cell(raw, "department")[:200],
                job_title=cell(raw, "job_title")[:200],
                role=cell(raw, "role").lower() or Role.MEMBER.value,
                end_date=end_date,
            )
        )
    if not rows and not errors:
        raise HrFeedError(
            _("The file has a header but no people. An empty list would make everyone a leaver."),
            code="empty",
        )
    return rows, errors


def _row_problem(number: str, email: str, role: str, numbers: set[str], emails: set[str]) -> str:
    if not number:
        return _("The employee number is empty.")
    if number in numbers:
        return _("The employee number %(number)s appears twice.") % {"number": number}
    try:
        validate_email(email)
    except ValidationError:
        return _("“%(value)s” is not an e-mail address.") % {"value": email[:100]}
    if email in emails:
        return _("The e-mail address %(email)s appears twice.") % {"email": email}
    if role and role not in FEED_ROLES:
        return _("“%(value)s” is not a role a feed can give (member or mentor).") % {
            "value": role[:40]
        }
    return ""


# --- Diff ---------------------------------------------------------------------------------


def _joiner_action(organization: Organization, email: str) -> tuple[str, User | None]:
    """ "create" (no account), "adopt" (already a member) or "invite" (an account elsewhere:
    the person must accept, as with SCIM an organization never pulls in an account)."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        return "create", None
    if Membership.objects.filter(user=user, organization=organization).exists():
        return "adopt", user
    return "invite", user


def compute_diff(feed: HrFeed, rows: list[Row], errors: list[dict[str, Any]]) -> dict[str, Any]:
    organization = feed.organization
    today = timezone.localdate()
    known = {p.employee_number: p for p in HrFeedPerson.objects.filter(feed=feed)}
    # Two queries for the whole file, not two a row: accounts by (lower-cased) address, and
    # which of them are members already.
    accounts = dict(
        User.objects.filter(email__in={row.email for row in rows}).values_list("email", "id")
    )
    members = set(
        Membership.objects.filter(
            organization=organization, user_id__in=accounts.values()
        ).values_list("user_id", flat=True)
    )
    joiners: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    leavers: list[dict[str, Any]] = []
    present: set[str] = set()
    active_emails = {p.email: p.employee_number for p in known.values() if p.active}
    for row in rows:
        person = known.get(row.employee_number)
        if row.end_date is not None and row.end_date < today:
            continue  # counted below as a leaver if the feed knows them
        present.add(row.employee_number)
        owner = active_emails.get(row.email)
        if owner is not None and owner != row.employee_number:
            errors.append(
                {
                    "line": row.line,
                    "reason": _("%(email)s belongs to employee %(number)s in this feed.")
                    % {"email": row.email, "number": owner},
                }
            )
            continue
        if person is None or not person.active:
            account = accounts.get(row.email)
            action = "create" if account is None else "adopt" if account in members else "invite"
            if action == "invite" and _returns(person, account):
                action = "rejoin"
            joiners.append(
                {"line": row.line, "employee_number": row.employee_number, "action": action}
                | row.values()
            )
            continue
        fields = {
            name: [getattr(person, name), value]
            for name, value in row.values().items()
            if getattr(person, name) != value
        }
        if person.user_id is None and accounts.get(row.email) in members:
            fields["membership"] = ["invited", "member"]
        if fields:
            changes.append(
                {"line": row.line, "employee_number": row.employee_number, "fields": fields}
                | row.values()
            )
    admins = set(
        Membership.objects.filter(organization=organization, is_admin=True).values_list(
            "user_id", flat=True
        )
    )
    leaving_admins = set()
    for number, person in sorted(known.items()):
        if not person.active or number in present:
            continue
        leavers.append(
            {
                "employee_number": number,
                "email": person.email,
                "full_name": person.full_name,
                "department": person.department,
            }
        )
        if person.user_id in admins:
            leaving_admins.add(person.user_id)
    if admins and leaving_admins == admins:
        errors.append(
            {
                "line": 0,
                "reason": _(
                    "Every admin of the organization would leave. Make someone else an admin "
                    "in CareMentor first."
                ),
            }
        )
    return {"joiners": joiners, "changes": changes, "leavers": leavers, "errors": errors}


def _returns(person: HrFeedPerson | None, account: int | None) -> bool:
    """A leaver whose account the feed made comes back: that account is theirs to reopen."""
    return bool(
        person is not None
        and not person.active
        and person.created_account
        and account is not None
        and person.user_id == account
    )


def hr_feed_dry_run(
    feed: HrFeed,
    *,
    actor: Any = None,
    trigger: str = HrFeedRun.Trigger.MANUAL,
    request: HttpRequest | None = None,
) -> HrFeedRun:
    """Read the file and record what applying it would change; changes nothing else.

    A file that cannot be fetched or read gives a run that "could not be read" with the
    reason, so the page shows what went wrong with a scheduled run.
    """
    if actor is not None:
        _require_manager(actor, feed.organization)
    digest = ""
    try:
        filename, content = read_source(feed)
        digest = hashlib.sha256(content).hexdigest()
        rows, errors = parse(feed, filename, content)
        diff = compute_diff(feed, rows, errors)
    except HrFeedError as exc:
        rows, diff, error = [], {}, exc.message
    else:
        error = ""
    with transaction.atomic():
        feed = HrFeed.objects.select_for_update().select_related("organization").get(pk=feed.pk)
        if error:
            status = HrFeedRun.Status.FAILED
        elif diff["errors"]:
            status = HrFeedRun.Status.INVALID
        else:
            status = HrFeedRun.Status.READY
        HrFeedRun.objects.filter(feed=feed, status=HrFeedRun.Status.READY).update(
            status=HrFeedRun.Status.SUPERSEDED
        )
        run = HrFeedRun.objects.create(
            feed=feed,
            status=status,
            trigger=trigger,
            source_sha256=digest,
            row_count=len(rows),
            joiner_count=len(diff.get("joiners", [])),
            change_count=len(diff.get("changes", [])),
            leaver_count=len(diff.get("leavers", [])),
            error_count=len(diff.get("errors", [])),
            diff=diff,
            error=error[:500],
            created_by=actor,
        )
        if trigger == HrFeedRun.Trigger.SCHEDULE:
            feed.next_run_at = _next_run(feed.frequency)
            feed.save(update_fields=["next_run_at"])
        record(
            actor,
            "hr_feed.dry_run",
            run,
            organization=feed.organization,
            request=request,
            actor_label="" if actor is not None else _label(feed),
            outcome="success" if status != HrFeedRun.Status.FAILED else "failure",
            detail={
                "feed": feed.code,
                "status": status,
                "joiners": run.joiner_count,
                "changes": run.change_count,
                "leavers": run.leaver_count,
                "errors": run.error_count,
            },
        )
    return run


# --- Apply --------------------------------------------------------------------------------


@transaction.atomic
def hr_feed_apply(run: HrFeedRun, actor: Any, *, request: HttpRequest | None = None) -> HrFeedRun:
    """Apply a dry run as confirmed: all of it or, on any refusal, nothing."""
    feed = run.feed
    organization = feed.organization
    _require_manager(actor, organization)
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    run = HrFeedRun.objects.select_for_update().select_related("feed").get(pk=run.pk)
    if not run.can_apply():
        raise HrFeedError(
            _("This run cannot be applied: it is “%(status)s”.")
            % {"status": run.get_status_display()},
            status=409,
            code="not_ready",
        )
    label = _label(feed)
    summary = {"created": 0, "adopted": 0, "invited": 0, "returned": 0, "changed": 0, "left": 0}
    for joiner in run.diff.get("joiners", []):
        summary[_join(feed, joiner, actor, label, request)] += 1
    for change in run.diff.get("changes", []):
        summary["changed"] += _change(feed, change, actor, label, request)
    for leaver in run.diff.get("leavers", []):
        summary["left"] += _leave(feed, leaver, actor, label, request)
    run.status = HrFeedRun.Status.APPLIED
    run.applied_by = actor
    run.applied_at = timezone.now()
    run.save(update_fields=["status", "applied_by", "applied_at"])
    record(
        actor,
        "hr_feed.applied",
        run,
        organization=organization,
        request=request,
        detail={"feed": feed.code, **summary},
    )
    return run


def _grant_role(membership: Membership, role: str, actor: Any, label: str, request: Any) -> None:
    wanted = role == Role.MENTOR
    if membership.is_mentor == wanted:
        return
    before = membership.roles
    membership.is_mentor = wanted
    membership.save(update_fields=["is_mentor"])
    record(
        actor,
        "membership.roles_changed",
        membership,
        organization=membership.organization,
        request=request,
        actor_label=label,
        subject=membership.user,
        detail={"before": before, "after": membership.roles, "from_hr_feed": True},
    )


def _join(feed: HrFeed, joiner: dict[str, Any], actor: Any, label: str, request: Any) -> str:
    organization = feed.organization
    email = joiner["email"]
    # Decided again now: an account may have appeared since the dry run.
    action, user = _joiner_action(organization, email)
    created = False
    previous = HrFeedPerson.objects.filter(
        feed=feed, employee_number=joiner["employee_number"]
    ).first()
    if action == "invite" and user is not None and _returns(previous, user.pk):
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        action, created = "rejoin", True
    if action == "create":
        user = User.objects.create_user(email, full_name=joiner["full_name"])
        # The organization's HR system vouches for its staff's work addresses.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        created = True
    if action in ("create", "adopt", "rejoin") and user is not None:
        membership, new = Membership.objects.get_or_create(user=user, organization=organization)
        if new:
            record(
                actor,
                "membership.created",
                membership,
                organization=organization,
                request=request,
                actor_label=label,
                subject=user,
                detail={"from_hr_feed": True},
            )
        _grant_role(membership, joiner["role"], actor, label, request)
    else:
        roles = [Role.MENTOR.value] if joiner["role"] == Role.MENTOR else []
        # Conflict: an open invitation already waits for this address.
        with contextlib.suppress(Conflict):
            invitation_issue(organization, email, roles, actor, request=request)
        user = None
    HrFeedPerson.objects.update_or_create(
        feed=feed,
        employee_number=joiner["employee_number"],
        defaults={
            "user": user,
            "active": True,
            "created_account": created,
            "updated_at": timezone.now(),
            **{name: joiner[name] for name in PERSON_FIELDS},
        },
    )
    return {"create": "created", "adopt": "adopted", "invite": "invited", "rejoin": "returned"}[
        action
    ]


def _change(feed: HrFeed, change: dict[str, Any], actor: Any, label: str, request: Any) -> int:
    person = (
        HrFeedPerson.objects.select_for_update()
        .filter(feed=feed, employee_number=change["employee_number"], active=True)
        .select_related("user")
        .first()
    )
    if person is None:
        return 0
    for name in PERSON_FIELDS:
        setattr(person, name, change[name])
    if person.user_id is None:
        member = (
            Membership.objects.filter(
                organization=feed.organization, user__email__iexact=person.email
            )
            .select_related("user")
            .first()
        )
        if member is not None:
            person.user = member.user
    person.updated_at = timezone.now()
    person.save()
    if person.user is not None:
        if person.created_account and person.user.full_name != person.full_name:
            # Only an account the feed made is renamed, as with SCIM.
            person.user.full_name = person.full_name
            person.user.save(update_fields=["full_name"])
        membership = Membership.objects.filter(
            user=person.user, organization=feed.organization
        ).first()
        if membership is not None:
            _grant_role(membership, person.role, actor, label, request)
    return 1


def _leave(feed: HrFeed, leaver: dict[str, Any], actor: Any, label: str, request: Any) -> int:
    person = (
        HrFeedPerson.objects.select_for_update()
        .filter(feed=feed, employee_number=leaver["employee_number"], active=True)
        .first()
    )
    if person is None:
        return 0
    outcome: dict[str, Any] = {}
    if person.user_id is not None:
        outcome = member_end(
            feed.organization,
            person.user_id,
            stop_account_if_unused=person.created_account,
            label=label,
            actor=actor,
            reason=_("%(name)s left the organization (a leaver in its HR feed)."),
            request=request,
        )
    else:
        for invitation in Invitation.objects.filter(
            organization=feed.organization,
            email__iexact=person.email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ):
            invitation_withdraw(invitation, actor, request)
            outcome["invitation_withdrawn"] = True
    person.active = False
    person.updated_at = timezone.now()
    person.save(update_fields=["active", "updated_at"])
    record(
        actor,
        "hr_feed.person_left",
        person,
        organization=feed.organization,
        request=request,
        actor_label=label,
        subject=person.user,
        detail={"feed": feed.code, **outcome},
    )
    return 1


# --- Schedule -----------------------------------------------------------------------------


def run_due(now: datetime.datetime | None = None) -> int:
    """Dry-run every scheduled feed whose time has come; returns how many ran. Applying
    always waits for a person."""
    now = now or timezone.now()
    due = HrFeed.objects.exclude(frequency=HrFeed.Frequency.MANUAL).filter(next_run_at__lte=now)
    count = 0
    for feed in due.select_related("organization").order_by("next_run_at", "id"):
        hr_feed_dry_run(feed, trigger=HrFeedRun.Trigger.SCHEDULE)
        count += 1
    return count
