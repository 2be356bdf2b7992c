"""`seed_demo`, step by step. Each capability adds its own step (and module) here.

Every step is deterministic for a given seed and idempotent: it keys rows by stable
e-mail addresses, slugs or codes and creates only what is missing.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from carementor.demo.calendars import seed_calendars
from carementor.demo.certificates import seed_certificates
from carementor.demo.communities import seed_communities
from carementor.demo.credentials import seed_credentials
from carementor.demo.evaluations import seed_evaluations
from carementor.demo.four_eyes import seed_four_eyes
from carementor.demo.golive import seed_golive
from carementor.demo.hr_feeds import seed_hr_feeds
from carementor.demo.integrations import seed_integrations
from carementor.demo.invitations import InvitationsResult, seed_invitations
from carementor.demo.learning import seed_learning
from carementor.demo.logbooks import seed_logbooks
from carementor.demo.logins import DEMO_TOTP_SECRET, LoginRow, seed_logins
from carementor.demo.mentorships import seed_mentorships
from carementor.demo.national import NATIONAL_FROM, seed_national
from carementor.demo.network import seed_network
from carementor.demo.organizations import seed_organizations
from carementor.demo.people import seed_people
from carementor.demo.programs import seed_programs
from carementor.demo.sso import seed_sso
from carementor.demo.supervisors import SupervisorsResult, seed_supervisors
from carementor.demo.vocabulary import Vocabulary
from carementor.demo.wellbeing import seed_wellbeing
from carementor.matching import pools
from carementor.organizations.models import Organization

# Every demo account shares it; printed by the command. Twelve characters or more, as the
# password validators require of real accounts.
DEMO_PASSWORD = "care-mentor-demo"
DEFAULT_USERS = 300
DEFAULT_SEED = 1


@dataclass(frozen=True)
class SeedReport:
    organizations: list[Organization]
    logins: list[LoginRow]
    people_requested: int
    people_created: int
    invitations: InvitationsResult
    supervisors: SupervisorsResult
    seconds: float
    # What the national programme step added (empty when it did not run).
    national: dict[str, int] = field(default_factory=dict)


def seed_demo(
    *,
    users: int = DEFAULT_USERS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[int, int], None] | None = None,
    national: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> SeedReport:
    """``national``: add the national programme (default: from NATIONAL_FROM people)."""
    started = time.perf_counter()
    vocabulary = Vocabulary.load()
    # Hashing is deliberately slow (Argon2): do it once and share the hash.
    password_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        organizations = seed_organizations()
        logins = seed_logins(
            vocabulary=vocabulary, organizations=organizations, password_hash=password_hash
        )
    created = seed_people(
        users=users,
        seed=seed,
        vocabulary=vocabulary,
        organizations=organizations,
        password_hash=password_hash,
        progress=progress,
    )
    say = log or (lambda _message: None)
    lap = [started]  # the first lap covers organizations, logins and people

    def timed(step: str) -> None:
        now = time.perf_counter()
        say(f"{step} in {now - lap[0]:.1f} s")
        lap[0] = now

    timed("people")
    supervisors = seed_supervisors(seed=seed, vocabulary=vocabulary)
    timed("supervisors")
    # Staff the hospital's identity provider pushed, before credentials and programmes so
    # that they are seeded like everybody else on the first run.
    seed_integrations(organizations=organizations)
    seed_hr_feeds(organizations=organizations)
    seed_calendars()
    seed_sso(organizations=organizations)
    seed_credentials(organizations=organizations, seed=seed)
    seed_four_eyes(organizations=organizations)
    timed("credentials")
    invitations = seed_invitations(organizations=organizations)
    seed_programs(organizations=organizations)
    seed_mentorships(organizations=organizations)
    seed_evaluations(organizations=organizations, seed=seed)
    seed_learning(organizations=organizations, seed=seed)
    seed_certificates(organizations=organizations, seed=seed)
    seed_communities(organizations=organizations)
    seed_wellbeing(organizations=organizations, seed=seed)
    seed_network(organizations=organizations)
    seed_logbooks()
    seed_golive(organizations=organizations)
    timed("invitations, programmes, mentorships, evaluations, learning, certificates")
    national_added: dict[str, int] = {}
    if national if national is not None else users >= NATIONAL_FROM:
        national_added = seed_national(organizations=organizations, seed=seed, log=log)
        timed("national programme")
    transaction.on_commit(lambda: pools.warm())  # build every mentor pool in the background
    return SeedReport(
        organizations=list(organizations.values()),
        logins=logins,
        people_requested=users,
        people_created=created,
        invitations=invitations,
        supervisors=supervisors,
        seconds=time.perf_counter() - started,
        national=national_added,
    )


def format_report(report: SeedReport) -> str:
    lines = [
        f"Demo data ready in {report.seconds:.1f} s: "
        f"{report.people_requested} generated people ({report.people_created} new) in "
        + ", ".join(organization.name for organization in report.organizations)
        + ".",
        f"Invitations: {report.invitations.total} ({report.invitations.created} new). "
        f"Trainees with a supervisor: {report.supervisors.supervised} "
        f"({report.supervisors.created} new).",
        *(
            [
                "National programme (run by the hospital, managed by rohan@example.org): "
                + ", ".join(f"{count:,} new {what}" for what, count in report.national.items())
                + "."
            ]
            if report.national
            else []
        ),
        "",
        "Demo logins (every demo account, generated people too, uses the same password):",
        "",
    ]
    headers = ("role", "e-mail", "password", "MFA (TOTP) secret", "name", "organization")
    table = [headers] + [
        (
            row.role,
            row.email,
            DEMO_PASSWORD,
            row.mfa_secret or "-",
            row.full_name,
            row.organizations,
        )
        for row in report.logins
    ]
    widths = [max(len(line[column]) for line in table) for column in range(len(headers) - 1)]
    for line in table:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        lines.append("  ".join([*cells, line[-1]]).rstrip())
    lines += [
        "",
        f"Privileged logins need two-factor authentication: add the secret {DEMO_TOTP_SECRET}",
        "to an authenticator app (time-based, 6 digits, issuer CareMentor) and enter its code",
        "after the password. The demo e-mail addresses are already verified.",
    ]
    return "\n".join(lines)
