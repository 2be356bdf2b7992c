"""What people write in a community: a safe Markdown subset, and sources checked for form.

Markdown is rendered with raw HTML turned off and images disabled, then cleaned with nh3 to a
short allowlist, when the text is saved; templates show the stored HTML as it is.
"""

import re
from urllib.parse import urlsplit

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from carementor.communities.errors import CommunityError

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "code",
    "pre",
    "hr",
    "h3",
    "h4",
}
MAX_SOURCES = 10

_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(["image", "heading"])


def render_markdown(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow ugc",
        strip_comments=True,
    ).strip()


_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S{1,200})$", re.I)
_PMID = re.compile(r"^(?:PMID:?\s*|https?://pubmed\.ncbi\.nlm\.nih\.gov/)?(\d{1,9})/?$", re.I)


def parse_source(raw: str) -> dict[str, str]:
    """A DOI, a PubMed id or a guideline's web address, in a canonical form with its link."""
    value = raw.strip()
    if match := _DOI.match(value):
        doi = match.group(1)
        return {"kind": "doi", "value": doi, "url": f"https://doi.org/{doi}"}
    if match := _PMID.match(value):
        pmid = match.group(1)
        return {"kind": "pmid", "value": pmid, "url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"}
    parts = urlsplit(value)
    if (
        parts.scheme in ("http", "https")
        and parts.hostname
        and "." in parts.hostname
        and len(value) <= 500
        and not re.search(r"\s", value)
    ):
        return {"kind": "url", "value": value, "url": value}
    raise CommunityError(
        _("“%(source)s” is not a DOI, a PubMed id or a web address.") % {"source": value[:80]},
        status=422,
        code="invalid_source",
        errors=[{"loc": ["sources"], "msg": _("Use a DOI, a PubMed id or a full web address.")}],
    )


def parse_sources(raw: list[str]) -> list[dict[str, str]]:
    values = [value for value in (v.strip() for v in raw) if value]
    if len(values) > MAX_SOURCES:
        raise CommunityError(
            _("Give at most %(n)d sources.") % {"n": MAX_SOURCES}, status=422, code="invalid_source"
        )
    parsed = [parse_source(value) for value in values]
    unique = {source["url"]: source for source in parsed}
    return list(unique.values())
