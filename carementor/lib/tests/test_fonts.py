"""The vendored Devanagari font: charts draw Hindi without a missing-glyph warning."""

import warnings

from carementor.evaluations import charts
from carementor.lib.fonts import FONT_DIR, pdf_font_css
from carementor.matching.charts import quality_svg

HINDI = "अभ्यास में बदलाव"


def hindi_forest() -> charts.Chart:
    return charts.forest_chart(
        "change",
        [charts.IntervalRow("पेशेवर अभ्यास", 0.52, 0.21, 0.83), charts.IntervalRow("कल्याण", None)],
        title=HINDI,
        description="पेशेवर अभ्यास 0.52 बढ़ा",
        axis_label="बदलाव",
        withheld="5 से कम उत्तर",
    )


def test_charts_draw_hindi_without_missing_glyphs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with charts.raster():  # the PNGs embedded in PDFs
            png = hindi_forest()
        svg = hindi_forest()
        quality_svg([1, 2, 3], title=HINDI)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
    assert "data:image/png" in png.svg and HINDI in svg.svg


def test_font_and_its_licence_ship_in_the_package():
    assert (FONT_DIR / "OFL.txt").read_text().count("SIL Open Font License") >= 1
    css = pdf_font_css()
    assert css.count("@font-face") == 2 and "data:font/ttf;base64," in css
