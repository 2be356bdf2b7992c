"""The Devanagari font vendored for PDFs and charts, so Hindi never prints as boxes.

Servers rarely have a Devanagari font installed (Debian's base image has none, and CI installs
only Chromium and nginx), so Noto Sans Devanagari (SIL Open Font License, see ``OFL.txt``)
ships inside the package. Latin text keeps DejaVu Sans; only the characters DejaVu lacks fall
through to the Devanagari face, in WeasyPrint (a CSS family list) and in matplotlib (a
``font.sans-serif`` fallback list) alike.
"""

import base64
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent
DEVANAGARI_FAMILY = "Noto Sans Devanagari"
# Family lists: Latin first, so English PDFs and charts look exactly as before.
PDF_FAMILIES = f'"DejaVu Sans", "{DEVANAGARI_FAMILY}", sans-serif'
CHART_FAMILIES = ["DejaVu Sans", DEVANAGARI_FAMILY]
_FACES = (("NotoSansDevanagari-Regular.ttf", "normal"), ("NotoSansDevanagari-Bold.ttf", "bold"))


@cache
def pdf_font_css() -> str:
    """``@font-face`` rules for WeasyPrint, the fonts inlined as data URIs.

    Data URIs because our PDFs are rendered with a fetcher that may load nothing else (see
    ``certificates.pdf.html_to_pdf``); WeasyPrint embeds only the glyphs a document uses.
    """
    rules = []
    for filename, weight in _FACES:
        data = base64.b64encode((FONT_DIR / filename).read_bytes()).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{DEVANAGARI_FAMILY}"; font-weight: {weight}; '
            f'src: url("data:font/ttf;base64,{data}") format("truetype"); }}'
        )
    return "\n".join(rules)


@cache
def register_chart_fonts() -> None:
    """Teach matplotlib the Devanagari face once per process (idempotent)."""
    from matplotlib import font_manager

    for filename, _weight in _FACES:
        font_manager.fontManager.addfont(str(FONT_DIR / filename))
