"""Export cells that would start a formula stay text."""

import pytest

from carementor.lib.spreadsheet import safe_cell, safe_row


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_a_formula_prefix_becomes_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Asha", "", "a=b", " =1", 42, -3, None, 1.5])
def test_everything_else_is_kept(value):
    assert safe_cell(value) == value


def test_a_row_is_neutralized_cell_by_cell():
    assert safe_row(["=1", "ok", 2]) == ["'=1", "ok", 2]
