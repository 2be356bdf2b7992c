"""Rich text sanitising and video link validation (pure functions)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carementor.learning.content import ContentError, check_link, sanitize_html, video_link


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
        ('<img src="x" onerror="alert(1)">ok', "ok"),
        ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
        (
            '<a href="https://who.int" onclick="x()" target="_top">WHO</a>',
            '<a href="https://who.int" rel="noopener noreferrer">WHO</a>',
        ),
        ('<p style="color:red" class="x">t</p>', "<p>t</p>"),
        ("<iframe src='https://evil.example'></iframe>after", "after"),
        ("<style>body{}</style><h3>Title</h3>", "<h3>Title</h3>"),
        ("<table><tr><th scope='col'>a</th></tr></table>", None),
    ],
)
def test_sanitize_keeps_only_the_allowlist(dirty, clean):
    result = sanitize_html(dirty)
    if clean is not None:
        assert result == clean
    assert "script" not in result and "onerror" not in result and "javascript:" not in result


@given(st.text(max_size=300))
def test_sanitize_never_lets_a_handler_or_script_through(text):
    result = sanitize_html(f"<p onmouseover='{text}'>{text}</p><script>{text}</script>")
    assert "<script" not in result.lower() and "onmouseover" not in result.lower()


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
        (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://vimeo.com/76979871"),
        ("https://player.vimeo.com/video/76979871", "https://vimeo.com/76979871"),
    ],
)
def test_video_links_are_normalised(url, canonical):
    assert video_link(url) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/channels/staffpicks",
        "ftp://vimeo.com/76979871",
    ],
)
def test_other_video_links_are_refused(url):
    with pytest.raises(ContentError):
        video_link(url)


def test_links_need_http():
    assert check_link(" https://who.int/x ") == "https://who.int/x"
    for bad in ("who.int", "data:text/html,hi", "mailto:a@b.c"):
        with pytest.raises(ContentError):
            check_link(bad)
