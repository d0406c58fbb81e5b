"""NPI check digit (Luhn over 80840 + the first nine digits), as forms and the store use it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocrebill_gui.core.npi import is_valid_npi, luhn_check_digit, normalize_npi, npi_problem


@pytest.mark.parametrize("npi", ["1234567893", "1003000126", "1245319599", "123-456-7893",
                                 " 1234 567 893 "])
def test_valid_npis(npi):
    assert npi_problem(npi) is None


@pytest.mark.parametrize(("npi", "words"), [
    ("", "required"),
    ("1234567890", "check digit"),
    ("1234567839", "check digit"),  # two digits swapped
    ("123456789", "this has 9"),
    ("12345678901", "this has 11"),
    ("12345678a3", "0-9"),
    ("１２３４５６７８９３", "0-9"),  # full-width digits are not ASCII
    ("3234567893", "start with 1 or 2"),
])
def test_invalid_npis_say_what_is_wrong(npi, words):
    problem = npi_problem(npi)
    assert problem is not None and words in problem
    assert normalize_npi(npi) not in problem or not normalize_npi(npi)


def test_luhn_check_digit_of_a_known_card_number():
    # 7992739871 + check digit 3 is the usual Luhn example.
    assert luhn_check_digit("7992739871") == 3


@given(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: s[0] in "12"),
       st.integers(0, 9), st.integers(1, 9))
def test_one_wrong_digit_is_always_caught(first_nine, position, change):
    """Luhn finds every single-digit error: change one digit of a valid NPI, it is refused."""
    valid = next(first_nine + d for d in "0123456789" if is_valid_npi(first_nine + d))
    wrong = list(valid)
    wrong[position] = str((int(wrong[position]) + change) % 10)
    wrong_npi = "".join(wrong)
    if wrong_npi[0] in "12":
        assert not is_valid_npi(wrong_npi)
