"""@mentions: ``@`` and a member's public code or the part of their e-mail address before the
``@``. Only the community's active members can be mentioned; a mention becomes a link in the
rendered text and notifies the person (unless they muted the community)."""

import re
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse

from carementor.accounts.models import User
from carementor.communities.models import Community, Member
from carementor.notifications.services import notify
from carementor.profiles.models import Profile

# Not after a word character, "@", "." or "/": e-mail addresses and URLs are not mentions.
_MENTION = re.compile(r"(?<![\w@./])@([A-Za-z0-9][A-Za-z0-9._+-]{0,63})")
MAX_MENTIONS = 20


@dataclass(frozen=True)
class Mentioned:
    user: User
    profile_code: str | None
    muted: bool


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def _shown(core: str, person: Mentioned) -> str:
    """A mention by public code (what the autocomplete writes) reads as the person's name;
    one by e-mail handle reads as written."""
    if core.lower() == person.user.code.lower():
        return _MARKDOWN_SPECIAL.sub(r"\\\1", person.user.get_full_name())
    return core


def _core(token: str) -> str:
    # "@meena." ends a sentence: the full stop is not part of the handle.
    return token.rstrip(".-+")


def handles(text: str) -> list[str]:
    """The handles written in the text, lower-cased, each once, in order."""
    seen: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        core = _core(match.group(1)).lower()
        if core:
            seen.setdefault(core, None)
    return list(seen)[:MAX_MENTIONS]


def mentioned(text: str, community: Community) -> dict[str, Mentioned]:
    """Each handle in the text that names an active member, with that member."""
    tokens = handles(text)
    if not tokens:
        return {}
    condition = Q(user__code__in=tokens)
    for token in tokens:
        condition |= Q(user__email__istartswith=f"{token}@")
    members = (
        Member.objects.active()
        .filter(community=community)
        .filter(condition)
        .select_related("user")
        .order_by("id")
    )
    found: dict[str, Mentioned] = {}
    rows = list(members)
    profiles = dict(
        Profile.objects.filter(user__in=[m.user_id for m in rows]).values_list("user_id", "code")
    )
    for member in rows:
        user = member.user
        local = user.email.split("@", 1)[0].lower()
        for token in (user.code.lower(), local):
            if token in tokens and token not in found:
                found[token] = Mentioned(user, profiles.get(user.pk), member.muted)
    return found


def link_mentions(text: str, people: dict[str, Mentioned]) -> str:
    """The Markdown with each mention of a member turned into a link to their profile (or
    bold, when they have none)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(1)
        core = _core(token)
        person = people.get(core.lower())
        if person is None:
            return match.group(0)
        rest = token[len(core) :]
        shown = _shown(core, person)
        if person.profile_code:
            url = reverse("profiles:detail", args=[person.profile_code])
            return f"[@{shown}]({url}){rest}"
        return f"**@{shown}**{rest}"

    return _MENTION.sub(replace, text)


def notify_mentioned(
    people: dict[str, Mentioned],
    *,
    author: User,
    community: Community,
    target: object,
    title: str,
) -> None:
    recipients = {
        p.user.pk: p.user for p in people.values() if p.user.pk != author.pk and not p.muted
    }
    notify(
        recipients.values(),
        "community_mentioned",
        target=target,  # type: ignore[arg-type]
        actor=author,
        context={"title": title, "community": community.name},
        organization=community.organization,
    )
