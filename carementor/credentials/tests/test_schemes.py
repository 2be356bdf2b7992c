"""Validators: examples for every scheme and property tests for the NPI check digit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carementor.credentials.schemes import (
    SCHEMES,
    is_valid_npi,
    npi_check_digit,
    validate_number,
)

nine_digits = st.text(alphabet="0123456789", min_size=8, max_size=8).flatmap(
    lambda rest: st.sampled_from(["1" + rest, "2" + rest])
)


def make_npi(first_nine: str) -> str:
    return first_nine + str(npi_check_digit(first_nine))


@given(nine_digits)
def test_generated_npis_are_accepted(first_nine):
    npi = make_npi(first_nine)
    result = validate_number("us_npi", npi)
    assert result.valid, result.errors
    assert result.normalized == npi


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_every_single_digit_change_is_rejected(first_nine, position, shift):
    npi = make_npi(first_nine)
    changed = npi[:position] + str((int(npi[position]) + shift) % 10) + npi[position + 1 :]
    assert changed != npi
    assert not validate_number("us_npi", changed).valid


@given(st.text(max_size=300), st.text(max_size=80))
def test_no_input_makes_a_validator_raise(number, jurisdiction):
    for code in SCHEMES:
        result = validate_number(code, number, jurisdiction)
        assert isinstance(result.valid, bool)


def test_known_npi_from_the_cms_specification():
    # CMS's worked example: 123456789 → check digit 3.
    assert npi_check_digit("123456789") == 3
    assert is_valid_npi("1234567893")
    assert not is_valid_npi("3234567893")


@pytest.mark.parametrize(
    ("scheme", "number", "jurisdiction", "normalized"),
    [
        ("us_npi", " 1234567893 ", "", "1234567893"),
        ("us_npi", "1234-567893", "", "1234567893"),
        ("gb_gmc", "1234 567", "", "1234567"),
        ("gb_nmc", "12a3456e", "", "12A3456E"),
        ("gb_gphc", "2012345", "", "2012345"),
        ("gb_gdc", "81234", "", "81234"),
        ("in_medical_council", "mmc/2009/01234", "Maharashtra", "MMC/2009/01234"),
        ("in_medical_council", "TNMC 123456", "Tamil Nadu", "TNMC123456"),
        ("in_nmr", "NMR-12345678-TN", "", "NMR-12345678-TN"),
        ("in_nursing_council", "KNC 4567", "Kerala", "KNC4567"),
        ("in_pharmacy_council", "MH/12345", "Maharashtra", "MH/12345"),
        ("in_dental_council", "A-1234", "Delhi", "A-1234"),
        ("in_ayush_council", "RJ/AYU/2345", "", "RJ/AYU/2345"),
        ("us_state_licence", "a123456", "CA", "A123456"),
        ("gb_hcpc", "ph 123456", "", "PH123456"),
        ("in_allied_council", "KA/PT/2020/123", "Karnataka", "KA/PT/2020/123"),
        ("specialty_board", "MRCPCH 2019 / 12345", "", "MRCPCH 2019 / 12345"),
        ("degree", "", "", ""),
        ("identity", "", "", ""),
        ("employment", "EMP-42", "", "EMP-42"),
        ("other", "Certificate 7", "", "Certificate 7"),
    ],
)
def test_valid_numbers_are_normalized(scheme, number, jurisdiction, normalized):
    result = validate_number(scheme, number, jurisdiction)
    assert result.valid, result.errors
    assert result.normalized == normalized


@pytest.mark.parametrize(
    ("scheme", "number", "jurisdiction", "message"),
    [
        ("us_npi", "123456789", "", "exactly 10 digits"),
        ("us_npi", "3234567893", "", "starts with 1 or 2"),
        ("us_npi", "1234567890", "", "check digit"),
        ("gb_gmc", "123456", "", "exactly 7 digits"),
        ("gb_gmc", "12345678", "", "exactly 7 digits"),
        ("gb_gmc", "12345a7", "", "only digits"),
        ("gb_gmc", "１２３４５６７", "", "only digits"),
        ("gb_nmc", "1A23456E", "", "12A3456E"),
        ("gb_gphc", "201234", "", "exactly 7 digits"),
        ("gb_gdc", "12345678", "", "1 to 7 digits"),
        ("in_medical_council", "TNMC 123456", "", "jurisdiction"),
        ("in_medical_council", "ABC", "Kerala", "contains digits"),
        ("in_medical_council", "12<script>", "Kerala", "Use only letters"),
        ("in_nmr", "", "", "Enter the NMR ID"),
        ("us_state_licence", "A123456", "", "US state"),
        ("gb_hcpc", "123456", "", "profession prefix"),
        ("us_state_licence", "A123456", "Ontario", "US state"),
        ("specialty_board", "", "", "Enter the certificate"),
        ("other", "x" * 61, "", "under 60"),
        ("nonsense", "1", "", "Unknown credential scheme"),
    ],
)
def test_invalid_numbers_say_why(scheme, number, jurisdiction, message):
    result = validate_number(scheme, number, jurisdiction)
    assert not result.valid
    assert message in " ".join(result.errors)


def test_licence_schemes_link_to_their_register():
    without_public_search = {"in_allied_council"}
    for scheme in SCHEMES.values():
        if scheme.kind == "licence" and scheme.code not in without_public_search:
            assert scheme.register_url.startswith("https://"), scheme.code
