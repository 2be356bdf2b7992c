"""Charts: well-formed, accessible, CSP-safe, reproducible SVG."""

import re
import xml.etree.ElementTree as ET

from carementor.evaluations import charts

SVG = "{http://www.w3.org/2000/svg}"


def forest(key: str = "change", label: str = "Practice") -> charts.Chart:
    return charts.forest_chart(
        key,
        [
            charts.IntervalRow(label, 0.52, 0.21, 0.83),
            charts.IntervalRow("Well-being", None),
        ],
        title="Change from baseline to closure",
        description="Practice rose by 0.52 (95% CI 0.21 to 0.83); well-being is withheld.",
        axis_label="Change",
        withheld="fewer than 5 responses",
    )


def test_chart_is_an_accessible_svg_with_title_and_description():
    chart = forest()
    root = ET.fromstring(str(chart.svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "change-title change-desc"
    assert root.find(f"{SVG}title").text == "Change from baseline to closure"
    assert root.find(f"{SVG}desc").text.startswith("Practice rose by 0.52")
    assert "fewer than 5 responses" in chart.svg
    assert "+0.52" in chart.svg


def test_chart_needs_no_inline_style_or_script():
    for chart in (
        forest(),
        charts.quadrant_chart(
            "quadrant",
            {"growth": 12, "retreat": None, "confirmation": 6, "stasis": None},
            names={
                "growth": "Growth",
                "retreat": "Retreat",
                "confirmation": "Confirmation",
                "stasis": "Stasis",
            },
            title="Support and challenge",
            description="Twelve in growth.",
            support_label="Support",
            challenge_label="Challenge",
            low_label="low",
            high_label="high",
            withheld="fewer than 5",
        ),
        charts.correlation_chart(
            "map", ["A", "B"], [[1.0, 0.4], [0.4, 1.0]], title="Map", description="r = 0.4"
        ),
    ):
        markup = str(chart.svg)
        assert not re.search(r"\sstyle=|<style|<script|on\w+=", markup)
        assert "<?xml" not in markup
        assert "<!DOCTYPE" not in markup


def test_ids_are_prefixed_per_chart_so_two_charts_share_a_page():
    first, second = forest("one"), forest("two")
    ids_one = set(re.findall(r'id="([^"]+)"', str(first.svg)))
    ids_two = set(re.findall(r'id="([^"]+)"', str(second.svg)))
    assert ids_one and not ids_one & ids_two
    assert all(value.startswith("one-") for value in ids_one)
    for reference in re.findall(r'(?:url\(#|href="#)([^)"]+)', str(first.svg)):
        assert reference in ids_one


def test_output_is_reproducible():
    assert str(forest().svg) == str(forest().svg)


def test_labels_are_text_not_maths_or_markup():
    chart = forest(label="$5 <b>budget</b>")
    markup = str(chart.svg)
    assert "$5 &lt;b&gt;budget&lt;/b&gt;" in markup
    assert "<b>" not in markup
    ET.fromstring(markup)


def test_raster_charts_are_the_same_figure_as_a_png_with_its_text_as_alt():
    import base64
    import io

    from PIL import Image

    with charts.raster():
        chart = forest()
    markup = str(chart.svg)
    assert markup.startswith('<img class="chart" id="change" src="data:image/png;base64,')
    assert 'alt="Change from baseline to closure. Practice rose by 0.52' in markup
    data = re.search(r"base64,([A-Za-z0-9+/=]+)", markup)
    assert data is not None
    image = Image.open(io.BytesIO(base64.b64decode(data.group(1))))
    # The SVG's viewBox in points, at RASTER_DPI pixels per inch.
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', str(forest().svg))
    assert box is not None
    width, height = (round(float(v) / 72 * charts.RASTER_DPI) for v in box.groups())
    assert abs(image.size[0] - width) <= 1 and abs(image.size[1] - height) <= 1
    # Outside raster() the charts are SVG again.
    assert str(forest().svg).startswith("<svg")
