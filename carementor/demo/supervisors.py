"""Direct supervisors for some generated trainees, so matching has its supervisor rules to apply.

About one trainee (intern, resident or student) in five gets a senior colleague of their own
organization as `Profile.supervisor`: someone mid-career or senior, of the same profession
group and city where there is one, else of the same group, else anyone senior there. Who is
chosen hashes the seed and e-mail addresses, so the same people give the same supervisors.

No per-row queries: one query reads the generated trainees, one (only when someone needs a
supervisor) the seniors, and one executemany writes the choices. Trainees who already have a
supervisor are left alone, so a second run changes nothing (a chosen trainee whose supervisor
a tester cleared gets one again, as a login gets its roles back). The persona logins are left
out on both sides: their stories (Asha looking for a cardiology mentor, Vikram mentoring) must
not be blocked by a supervisor rule.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q

from carementor.demo.organizations import ORGANIZATIONS
from carementor.demo.rng import stable_fraction
from carementor.demo.vocabulary import Vocabulary
from carementor.profiles.models import Profile

TRAINEE_STAGES = ("intern", "resident", "student")
SENIOR_STAGES = ("mid-career", "senior")
SUPERVISED_SHARE = 0.2


@dataclass(frozen=True)
class SupervisorsResult:
    supervised: int  # generated trainees with a supervisor, after this run
    created: int  # of which set now


class _Row(NamedTuple):
    profile_id: int
    user_id: int
    email: str
    organization: str
    group: str
    city: str
    supervisor_id: int | None


def _rows(vocabulary: Vocabulary, stages: tuple[str, ...]) -> Iterator[_Row]:
    """Generated people at these career stages (their e-mail domain names their organization)."""
    group_of = {ref.id: ref.group for ref in vocabulary.professions.values()}
    domains = {spec.domain: spec.slug for spec in ORGANIZATIONS}
    generated = Q()
    for domain in domains:
        generated |= Q(user__email__endswith=f"@{domain}")
    rows = (
        Profile.objects.filter(
            generated, career_stage_id__in=[vocabulary.stages[code] for code in stages]
        )
        .values_list("id", "user_id", "user__email", "profession_id", "city", "supervisor_id")
        .iterator(chunk_size=10_000)
    )
    for profile_id, user_id, email, profession_id, city, supervisor_id in rows:
        organization = domains[email.rsplit("@", 1)[1]]
        group = group_of.get(profession_id, "")
        yield _Row(profile_id, user_id, email, organization, group, city, supervisor_id)


def seed_supervisors(*, seed: int, vocabulary: Vocabulary) -> SupervisorsResult:
    already = 0
    unsupervised: list[_Row] = []
    for trainee in _rows(vocabulary, TRAINEE_STAGES):
        if trainee.supervisor_id is not None:
            already += 1
        elif stable_fraction("supervised", seed, trainee.email) < SUPERVISED_SHARE:
            unsupervised.append(trainee)
    if not unsupervised:
        return SupervisorsResult(supervised=already, created=0)

    # Three pools per senior, most fitting first; each sorted by e-mail, for determinism.
    seniors: dict[tuple[str, ...], list[_Row]] = defaultdict(list)
    for senior in _rows(vocabulary, SENIOR_STAGES):
        seniors[(senior.organization, senior.group, senior.city)].append(senior)
        seniors[(senior.organization, senior.group)].append(senior)
        seniors[(senior.organization,)].append(senior)
    for senior_pool in seniors.values():
        senior_pool.sort(key=lambda senior: senior.email)

    updates: list[tuple[int, int]] = []
    for trainee in unsupervised:
        pool = (
            seniors.get((trainee.organization, trainee.group, trainee.city))
            or seniors.get((trainee.organization, trainee.group))
            or seniors.get((trainee.organization,))
        )
        if pool:
            pick = int(stable_fraction("supervisor", seed, trainee.email) * len(pool))
            updates.append((pool[pick].user_id, trainee.profile_id))

    if updates:
        quote = connection.ops.quote_name
        table = quote(Profile._meta.db_table)
        column = quote(Profile._meta.get_field("supervisor").column)
        # Table and column names come from model metadata; values are bound.
        sql = f"UPDATE {table} SET {column} = %s WHERE id = %s"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, updates)
    return SupervisorsResult(supervised=already + len(updates), created=len(updates))
