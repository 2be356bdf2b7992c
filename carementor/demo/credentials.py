"""Demo credentials: every generated mentor verified (so matching has a pool), and a
showcase in every review state with generated evidence PDFs for Priya Nair's queue.

Deterministic for a seed and idempotent: people who already hold a credential are skipped.
"""

import datetime
import hashlib
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from carementor.accounts.models import User
from carementor.credentials import storage
from carementor.credentials.models import (
    CHECKLIST_KEYS,
    Credential,
    EvidenceFile,
    RegisterCheck,
    ReviewEvent,
)
from carementor.credentials.sample_documents import certificate_pdf
from carementor.credentials.schemes import SCHEMES, npi_check_digit
from carementor.demo.rng import stable_code
from carementor.organizations.models import Membership, Organization

Status = Credential.Status
BATCH = 2000

# One extra reviewer per demo organization, so four-eyes decisions can be shown and made.
# Kavya is also a demo login (logins.py), so the hospital's flow can be clicked through.
REVIEWERS = {
    "indus-ims": ("kavya@example.org", "Kavya Menon"),
    "pennine-nhs": ("daniel.price@reviewers.example.com", "Daniel Price"),
    "vembanad-nursing": ("anitha.george@reviewers.example.com", "Anitha George"),
}
IN_COUNCILS = {
    "medicine": ("in_medical_council", "MMC", "Maharashtra Medical Council"),
    "nursing": ("in_nursing_council", "KNMC", "Kerala Nurses and Midwives Council"),
    "pharmacy": ("in_pharmacy_council", "MSPC", "Maharashtra State Pharmacy Council"),
    "dentistry": ("in_dental_council", "MSDC", "Maharashtra State Dental Council"),
    "ayush": ("in_ayush_council", "MCIM", "Maharashtra Council of Indian Medicine"),
    "allied": ("in_allied_council", "MSAHC", "Maharashtra State Allied Health Council"),
}
GB_SCHEMES = {
    "medicine": "gb_gmc",
    "nursing": "gb_nmc",
    "pharmacy": "gb_gphc",
    "dentistry": "gb_gdc",
    "ayush": "gb_hcpc",
    "allied": "gb_hcpc",
}


def _number(rng: random.Random, scheme: str, prefix: str = "") -> str:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if scheme in ("gb_gmc", "gb_gphc"):
        return str(rng.randint(1, 9)) + digits(6)
    if scheme == "gb_gdc":
        return str(rng.randint(10000, 299999))
    if scheme == "gb_nmc":
        return digits(2) + rng.choice("ABCDEFGHIJ") + digits(4) + rng.choice("ABCDEFGHIJ")
    if scheme == "gb_hcpc":
        return rng.choice(["PH", "OT", "RA", "SL"]) + digits(6)
    if scheme == "us_npi":
        first = rng.choice("12") + digits(8)
        return first + str(npi_check_digit(first))
    return f"{prefix}/{rng.randint(1990, 2022)}/{digits(5)}"


def _claim(rng: random.Random, country: str, group: str, is_clinical: bool) -> list[dict[str, Any]]:
    """The credential(s) a person of this profession would submit, as model fields."""
    if not is_clinical:
        return [
            {"scheme": "identity", "number": "", "title": "Passport (checked in person)"},
            {"scheme": "employment", "number": f"EMP-{rng.randint(1000, 99999)}"},
        ]
    if country == "GB":
        scheme = GB_SCHEMES.get(group, "gb_hcpc")
        return [{"scheme": scheme, "number": _number(rng, scheme), "jurisdiction": "England"}]
    scheme, prefix, body = IN_COUNCILS.get(group, IN_COUNCILS["allied"])
    return [
        {
            "scheme": scheme,
            "number": _number(rng, scheme, prefix),
            "issuing_body": body,
            "jurisdiction": "Maharashtra",
        }
    ]


def _reviewer(organization: Organization) -> User | None:
    membership = (
        Membership.objects.filter(organization=organization, is_reviewer=True)
        .select_related("user")
        .order_by("joined_at", "id")
        .first()
    )
    return membership.user if membership else None


def _ensure_reviewers(organizations: dict[str, Organization]) -> dict[str, User]:
    reviewers: dict[str, User] = {}
    for slug, (email, name) in REVIEWERS.items():
        organization = organizations.get(slug)
        if organization is None:
            continue
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=name)
        Membership.objects.get_or_create(
            user=user,
            organization=organization,
            defaults={"is_reviewer": True, "code": stable_code("membership", email, slug)},
        )
        reviewers[slug] = user
    return reviewers


def _verify_generated_mentors(
    rng: random.Random, organizations: dict[str, Organization], reviewers: dict[str, User]
) -> int:
    now = timezone.now()
    created = 0
    for slug, organization in organizations.items():
        decided_by = _reviewer(organization) or reviewers.get(slug)
        mentors = (
            Membership.objects.filter(organization=organization, is_mentor=True)
            .exclude(user__credentials__isnull=False)
            .select_related("user__profile__profession")
            .order_by("user__email")
        )
        batch: list[Credential] = []
        for membership in mentors.iterator(chunk_size=BATCH):
            profile = getattr(membership.user, "profile", None)
            profession = profile.profession if profile else None
            claims = _claim(
                rng,
                organization.country,
                profession.group if profession else "medicine",
                profession.is_clinical if profession else True,
            )
            for claim in claims:
                decided_at = now - datetime.timedelta(days=rng.randint(5, 600))
                batch.append(
                    Credential(
                        holder=membership.user,
                        organization=organization,
                        status=Status.VERIFIED,
                        submitted_at=decided_at - datetime.timedelta(days=rng.randint(1, 10)),
                        status_changed_at=decided_at,
                        decided_at=decided_at,
                        decided_by=decided_by,
                        checklist=dict.fromkeys(CHECKLIST_KEYS, True),
                        expires_on=(decided_at + datetime.timedelta(days=5 * 365)).date()
                        if claim["scheme"] not in ("identity", "employment")
                        else None,
                        **claim,
                    )
                )
            if len(batch) >= BATCH:
                created += len(Credential.objects.bulk_create(batch))
                batch = []
        created += len(Credential.objects.bulk_create(batch))
    return created


def _evidence(credential: Credential, lines: list[str], name: str) -> None:
    data = certificate_pdf(lines)
    EvidenceFile.objects.create(
        credential=credential,
        name=name,
        storage_name=storage.save_bytes(data),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        pages=1,
        scan_status=EvidenceFile.Scan.NOT_SCANNED,
        uploaded_by=credential.holder,
    )


def _showcase(
    rng: random.Random, organization: Organization, priya: User, kavya: User | None
) -> int:
    """Priya's queue: a few people in every state, each with a certificate PDF."""
    people = list(
        Membership.objects.filter(organization=organization, is_mentor=False, is_reviewer=False)
        .exclude(user=priya)
        .exclude(user__credentials__isnull=False)
        .select_related("user")
        .order_by("user__email")[:12]
    )
    asha = User.objects.filter(email="asha@example.org").first()
    ravi = User.objects.filter(email="ravi@example.org").first()
    first = [u for u in (asha, ravi) if u and not u.credentials.exists()]
    holders = first + [m.user for m in people if m.user not in first]
    plan: list[tuple[str, str, dict[str, Any]]] = [
        ("submitted", "Submitted this morning", {"age": 0}),
        ("submitted", "Waiting since last week", {"age": 8}),
        ("submitted", "Waiting for almost a month", {"age": 26}),
        ("in_review", "Review started", {"age": 3}),
        ("pending_reject", "Rejection proposed by Kavya Menon", {"age": 5}),
        ("verified", "Verified", {"age": 40}),
        ("expiring", "Verified, expires in 20 days", {"age": 300}),
        ("pending_revoke", "Revocation proposed: council suspended the registration", {"age": 90}),
        ("rejected", "Rejected with a reason", {"age": 15}),
        ("expired", "Expired last month", {"age": 700}),
        ("revoked", "Revoked", {"age": 200}),
        ("submitted", "NPI with NPPES lookup", {"age": 2, "scheme": "us_npi"}),
    ]
    now = timezone.now()
    today = timezone.localdate()
    made = 0
    for holder, (state, note, options) in zip(holders, plan, strict=False):
        scheme = options.get("scheme", "in_medical_council")
        number = _number(rng, scheme, "TNMC")
        submitted_at = now - datetime.timedelta(days=options["age"], hours=rng.randint(0, 8))
        credential = Credential.objects.create(
            holder=holder,
            organization=organization,
            scheme=scheme,
            number=number,
            issuing_body=SCHEMES[scheme].issuing_body
            if scheme == "us_npi"
            else "Tamil Nadu Medical Council",
            jurisdiction="Tamil Nadu" if scheme != "us_npi" else "",
            issued_on=today - datetime.timedelta(days=3 * 365),
            expires_on=today + datetime.timedelta(days=2 * 365),
            submitted_at=submitted_at,
            status_changed_at=submitted_at,
        )
        ReviewEvent.objects.create(
            credential=credential, action="submitted", actor=holder, at=submitted_at
        )
        _evidence(
            credential,
            [
                "Tamil Nadu Medical Council" if scheme != "us_npi" else "NPPES confirmation",
                "Certificate of Registration",
                f"Name: {holder.get_full_name()}",
                f"Registration number: {number}",
                f"Valid until: {credential.expires_on:%d %B %Y}",
                "(Demo document generated by CareMentor)",
            ],
            f"registration-{holder.get_short_name().lower()}.pdf",
        )
        _apply_state(credential, state, note, priya, kavya, now, today)
        made += 1
    return made


def _apply_state(
    credential: Credential,
    state: str,
    note: str,
    priya: User,
    kavya: User | None,
    now: datetime.datetime,
    today: datetime.date,
) -> None:
    ticked = dict.fromkeys(CHECKLIST_KEYS, True)
    second = kavya or priya
    if state == "in_review":
        credential.status, credential.reviewer = Status.IN_REVIEW, priya
    elif state == "pending_reject" and kavya is not None:
        credential.status, credential.reviewer = Status.IN_REVIEW, kavya
        credential.pending_action, credential.pending_by = "reject", kavya
        credential.pending_reason = "The name on the certificate differs from the account name."
        credential.pending_at = now - datetime.timedelta(days=1)
    elif state in ("verified", "expiring", "pending_revoke", "expired", "revoked"):
        credential.status = Status.VERIFIED
        credential.decided_by, credential.decided_at = second, credential.submitted_at
        credential.checklist = ticked
        RegisterCheck.objects.create(
            credential=credential,
            source="manual",
            outcome="match",
            note="Indian Medical Register: name, number and council match.",
            performed_by=second,
            performed_at=credential.submitted_at,
        )
        if state == "expiring":
            credential.expires_on = today + datetime.timedelta(days=20)
        if state == "expired":
            credential.status = Status.EXPIRED
            credential.expires_on = today - datetime.timedelta(days=30)
            credential.issued_on = credential.expires_on - datetime.timedelta(days=5 * 365)
        if state == "pending_revoke" and kavya is not None:
            credential.pending_action, credential.pending_by = "revoke", kavya
            credential.pending_reason = "The council's register shows the registration suspended."
            credential.pending_at = now - datetime.timedelta(hours=6)
        if state == "revoked":
            credential.status, credential.revoked_at = Status.REVOKED, now
            credential.second_reviewer = priya if second != priya else None
            credential.reason = "The council confirmed the registration was cancelled."
    elif state == "rejected":
        credential.status = Status.REJECTED
        credential.decided_by, credential.decided_at = priya, now - datetime.timedelta(days=2)
        credential.second_reviewer = kavya
        credential.reason = (
            "The certificate is cut off at the registration number. "
            "Please upload a full, legible scan."
        )
    credential.status_changed_at = credential.decided_at or credential.submitted_at
    credential.save()
    if credential.status != Status.SUBMITTED or credential.pending_action:
        ReviewEvent.objects.create(
            credential=credential,
            action={
                Status.IN_REVIEW: "review_started",
                Status.VERIFIED: "verified",
                Status.REJECTED: "rejected",
                Status.EXPIRED: "expired",
                Status.REVOKED: "revoked",
            }[Status(credential.status)],
            actor=credential.decided_by or credential.reviewer,
            reason=credential.reason,
            at=credential.status_changed_at,
        )
    if credential.pending_action:
        ReviewEvent.objects.create(
            credential=credential,
            action=ReviewEvent.Action.REJECTION_PROPOSED
            if credential.pending_action == Credential.PendingAction.REJECT
            else ReviewEvent.Action.REVOCATION_PROPOSED,
            actor=credential.pending_by,
            reason=credential.pending_reason,
            at=credential.pending_at or credential.status_changed_at,
        )


def seed_credentials(*, organizations: dict[str, Organization], seed: int = 1) -> int:
    """Create the demo credentials; returns how many were created."""
    rng = random.Random(f"credentials-{seed}")
    with transaction.atomic():
        reviewers = _ensure_reviewers(organizations)
        created = _verify_generated_mentors(rng, organizations, reviewers)
        hospital = organizations.get("indus-ims")
        priya = User.objects.filter(email="priya@example.org").first()
        showcased = Credential.objects.filter(organization=hospital, evidence__isnull=False)
        if hospital is not None and priya is not None and not showcased.exists():
            created += _showcase(rng, hospital, priya, reviewers.get("indus-ims"))
    return created
