"""GB 11643 resident ID numbers and GB 32100 Unified Social Credit Codes: checks and masking."""

import datetime
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts import identifiers

VALID_ID_NUMBERS = ["11010519491231002X", "440524188001010014"]
VALID_USCCS = ["91350100M000100Y43"]
ID_CHARACTERS = string.digits + "X"


def single_character_changes(value: str, alphabet_at):
    """Every string that differs from ``value`` in exactly one position, using the characters
    allowed at that position."""
    for position, original in enumerate(value):
        for replacement in alphabet_at(position):
            if replacement != original:
                yield value[:position] + replacement + value[position + 1 :]


def id_alphabet_at(position: int) -> str:
    return ID_CHARACTERS if position == 17 else string.digits


def uscc_alphabet_at(position: int) -> str:
    return identifiers.USCC_ALPHABET


def id_number_with(birth: str, *, region: str = "110105", sequence: str = "002") -> str:
    """An ID number whose check character is right, so only the birth date can be wrong."""
    first17 = region + birth + sequence
    return first17 + identifiers.id_number_check_character(first17)


# --- resident ID numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("id_number", VALID_ID_NUMBERS)
def test_published_valid_id_numbers_are_accepted(id_number):
    assert identifiers.id_number_problem(id_number) is None
    assert identifiers.is_valid_id_number(id_number)


def test_a_wrong_check_character_is_reported_as_checksum():
    assert identifiers.id_number_problem("110105194912310021") == "checksum"
    assert not identifiers.is_valid_id_number("110105194912310021")


def test_lower_case_x_is_accepted_and_normalised():
    assert identifiers.is_valid_id_number("11010519491231002x")
    assert identifiers.is_valid_id_number("  11010519491231002x ")
    assert identifiers.normalize_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("id_number", VALID_ID_NUMBERS)
def test_every_single_character_change_of_a_valid_id_number_is_rejected(id_number):
    changes = list(single_character_changes(id_number, id_alphabet_at))

    accepted = [changed for changed in changes if identifiers.is_valid_id_number(changed)]

    assert len(changes) == 17 * 9 + 10  # 17 digit positions, and the check position (0-9, X)
    assert accepted == []


@st.composite
def valid_id_numbers(draw):
    region = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    birth = draw(st.dates(datetime.date(1850, 1, 1), datetime.date.today()))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + identifiers.id_number_check_character(first17)


@given(valid_id_numbers(), st.data())
def test_any_single_character_change_of_a_generated_id_number_is_rejected(id_number, data):
    assert identifiers.is_valid_id_number(id_number)
    position = data.draw(st.integers(0, 17), label="position")
    replacement = data.draw(
        st.sampled_from(id_alphabet_at(position)).filter(lambda c: c != id_number[position]),
        label="replacement",
    )
    changed = id_number[:position] + replacement + id_number[position + 1 :]

    assert not identifiers.is_valid_id_number(changed)


@given(valid_id_numbers(), st.integers(0, 15))
def test_swapping_two_adjacent_digits_before_the_check_character_is_rejected(id_number, position):
    first, second = id_number[position], id_number[position + 1]
    swapped = id_number[:position] + second + first + id_number[position + 2 :]

    assert (swapped == id_number) or not identifiers.is_valid_id_number(swapped)


@pytest.mark.parametrize(
    "birth",
    [
        pytest.param("19490230", id="february-30"),
        pytest.param("19491301", id="month-13"),
        pytest.param("19490001", id="month-0"),
        pytest.param("19490100", id="day-0"),
        pytest.param("19000229", id="1900-not-a-leap-year"),
        pytest.param("18491231", id="before-1850"),
    ],
)
def test_birth_dates_that_are_not_real_are_rejected(birth):
    assert identifiers.id_number_problem(id_number_with(birth)) == "birth_date"


def test_a_birth_date_in_the_future_is_rejected():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    assert identifiers.id_number_problem(id_number_with(f"{tomorrow:%Y%m%d}")) == "birth_date"


def test_a_birth_date_is_judged_against_the_given_day():
    id_number = id_number_with("20240229")  # a real leap day

    assert identifiers.id_number_problem(id_number, today=datetime.date(2024, 2, 29)) is None
    assert identifiers.id_number_problem(id_number, today=datetime.date(2024, 2, 28)) == (
        "birth_date"
    )


def test_the_birth_date_is_read_from_positions_7_to_14():
    assert identifiers.id_number_birth_date("11010519491231002X") == datetime.date(1949, 12, 31)
    assert identifiers.id_number_birth_date("440524188001010014") == datetime.date(1880, 1, 1)
    assert identifiers.id_number_birth_date(id_number_with("19490230")) is None


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("11010519491231002", id="17-characters"),
        pytest.param("11010519491231002X0", id="19-characters"),
        pytest.param("1101051949123100X2", id="x-not-last"),
        pytest.param("11010519491231002Y", id="letter-other-than-x"),
        pytest.param("１１010519491231002X", id="full-width-digits"),
        pytest.param("١١010519491231002X", id="arabic-indic-digits"),
        pytest.param("110105 19491231002X", id="inner-space"),
    ],
)
def test_badly_shaped_id_numbers_are_reported_as_format(value):
    assert identifiers.id_number_problem(value) == "format"


@pytest.mark.parametrize(
    ("id_number", "gender"),
    [
        ("11010519491231002X", "female"),  # 17th digit 2
        ("440524188001010014", "male"),  # 17th digit 1
    ],
)
def test_gender_comes_from_the_parity_of_the_17th_digit(id_number, gender):
    assert identifiers.id_number_gender(id_number) == gender


@given(valid_id_numbers())
def test_gender_is_male_exactly_when_the_17th_digit_is_odd(id_number):
    expected = "male" if id_number[16] in "13579" else "female"
    assert identifiers.id_number_gender(id_number) == expected


# --- Unified Social Credit Codes -----------------------------------------------------------------


def test_the_published_valid_uscc_is_accepted():
    assert identifiers.uscc_problem("91350100M000100Y43") is None
    assert identifiers.is_valid_uscc("91350100M000100Y43")


def test_a_uscc_with_a_wrong_check_character_is_rejected():
    assert identifiers.uscc_problem("91350100M000100Y4Z") == "format"  # Z is not in the alphabet
    assert identifiers.uscc_problem("91350100M000100Y44") == "checksum"
    assert not identifiers.is_valid_uscc("91350100M000100Y4Z")


def test_the_uscc_alphabet_has_31_characters_without_i_o_s_v_z():
    assert len(identifiers.USCC_ALPHABET) == 31
    assert not set("IOSVZ") & set(identifiers.USCC_ALPHABET)


@pytest.mark.parametrize("uscc", VALID_USCCS)
def test_every_single_character_change_of_a_valid_uscc_is_rejected(uscc):
    changes = list(single_character_changes(uscc, uscc_alphabet_at))

    accepted = [changed for changed in changes if identifiers.is_valid_uscc(changed)]

    assert len(changes) == 18 * 30
    assert accepted == []


@st.composite
def valid_usccs(draw):
    first17 = "".join(
        draw(st.lists(st.sampled_from(identifiers.USCC_ALPHABET), min_size=17, max_size=17))
    )
    return first17 + identifiers.uscc_check_character(first17)


@given(valid_usccs(), st.data())
def test_any_single_character_change_of_a_generated_uscc_is_rejected(uscc, data):
    assert identifiers.is_valid_uscc(uscc)
    position = data.draw(st.integers(0, 17), label="position")
    replacement = data.draw(
        st.sampled_from(identifiers.USCC_ALPHABET).filter(lambda c: c != uscc[position]),
        label="replacement",
    )
    changed = uscc[:position] + replacement + uscc[position + 1 :]

    assert not identifiers.is_valid_uscc(changed)


def test_a_lower_case_uscc_is_accepted_after_normalisation():
    assert identifiers.normalize_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert identifiers.is_valid_uscc("91350100m000100y43")


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param("91350100M000100Y4", id="17-characters"),
        pytest.param("91350100M000100Y430", id="19-characters"),
        pytest.param("91350100I000100Y43", id="letter-I"),
        pytest.param("91350100O000100Y43", id="letter-O"),
        pytest.param("９1350100M000100Y43", id="full-width-digit"),
    ],
)
def test_badly_shaped_usccs_are_reported_as_format(value):
    assert identifiers.uscc_problem(value) == "format"


# --- masking -------------------------------------------------------------------------------------


def test_an_id_number_is_masked_to_its_region_prefix_and_last_four():
    assert identifiers.mask_id_number("11010519491231002X") == "1101**********002X"
    assert identifiers.mask_id_number("11010519491231002x") == "1101**********002X"


@given(valid_id_numbers())
def test_a_masked_id_number_hides_the_birth_date(id_number):
    masked = identifiers.mask_id_number(id_number)

    assert len(masked) == 18
    assert masked[4:14] == "*" * 10
    assert masked[:4] == id_number[:4] and masked[-4:] == id_number[-4:]


def test_a_mobile_number_is_masked_to_its_first_three_and_last_four_digits():
    assert identifiers.mask_mobile("13800138000") == "138****8000"


def test_short_values_are_masked_entirely():
    assert identifiers.mask_id_number("1234") == "****"
    assert identifiers.mask_mobile("12345") == "*****"
    assert identifiers.mask_mobile("") == ""


def test_a_person_name_keeps_only_the_family_name():
    assert identifiers.mask_person_name("张三丰") == "张**"
    assert identifiers.mask_person_name("") == ""


@pytest.mark.parametrize(
    ("stored", "masked"),
    [
        ("+8613800138000", "138****8000"),
        ("+85291234567", "+852 ****4567"),
        ("+886912345678", "+886 *****5678"),
        ("+447911123456", "+44 ******3456"),
    ],
)
def test_stored_mobile_numbers_are_masked_to_their_last_four_digits(stored, masked):
    assert identifiers.mask_mobile(stored) == masked
