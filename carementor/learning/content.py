"""What a content block may hold: sanitised rich text, web links, and video links we accept.

Rich text is cleaned with nh3 when it is saved, never when it is shown, so the database only
ever holds markup from a short allowlist; templates then render it as it is. Videos are shown
as links because the site's Content Security Policy allows no third-party frames.
"""

import re
from urllib.parse import parse_qs, urlsplit

import nh3
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h3",
    "h4",
    "blockquote",
    "a",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan"}}
MAX_HTML = 50_000


class ContentError(ValueError):
    """A block's content is refused; the message can be shown to the person."""


def sanitize_html(html: str) -> str:
    """Keep a small allowlist of tags; links get rel="noopener noreferrer" and safe schemes."""
    if len(html) > MAX_HTML:
        raise ContentError(_("The text is too long (50,000 characters at most)."))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def check_link(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise ContentError(_("Enter a full web address starting with https:// or http://."))
    return url


_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"\d{5,12}")


def video_link(url: str) -> str:
    """Return the canonical address of a YouTube or Vimeo video, or refuse the link."""
    url = check_link(url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/").split("/")
    video_id = ""
    if host in ("youtube.com", "youtube-nocookie.com"):
        if path == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(path) == 2 and path[0] in ("embed", "shorts", "live"):
            video_id = path[1]
    elif host == "youtu.be" and len(path) == 1:
        video_id = path[0]
    if video_id and _YOUTUBE_ID.fullmatch(video_id):
        return f"https://www.youtube.com/watch?v={video_id}"
    video_id = ""
    if host == "vimeo.com" and len(path) == 1:
        video_id = path[0]
    elif host == "player.vimeo.com" and len(path) == 2 and path[0] == "video":
        video_id = path[1]
    if video_id and _VIMEO_ID.fullmatch(video_id):
        return f"https://vimeo.com/{video_id}"
    raise ContentError(_("Only YouTube and Vimeo video addresses are accepted."))


def video_embed(url: str) -> str:
    """The privacy-enhanced player address for a canonical video link (see ``video_link``):
    YouTube's no-cookie domain, Vimeo with do-not-track; "" for anything else."""
    parts = urlsplit(url)
    if parts.hostname == "www.youtube.com" and parts.path == "/watch":
        video_id = (parse_qs(parts.query).get("v") or [""])[0]
        if _YOUTUBE_ID.fullmatch(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}"
    if parts.hostname == "vimeo.com":
        video_id = parts.path.strip("/")
        if _VIMEO_ID.fullmatch(video_id):
            return f"https://player.vimeo.com/video/{video_id}?dnt=1"
    return ""
