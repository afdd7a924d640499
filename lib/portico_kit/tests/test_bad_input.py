"""Finding 7: input that used to reach a 500 is a 422 in the API's error format."""
import pytest

from portico_kit.errors import Invalid
from portico_kit.pagination import page_params
from portico_kit.timeutil import parse_day
from portico_kit.validation import EmailField, StrictSchema, load, text


@pytest.mark.parametrize("page", ["1513967208220680192", "1000001", "0", "-1", "abc", "1e5"])
def test_a_page_number_no_list_can_have_is_422(page):
    with pytest.raises(Invalid) as err:
        page_params(page, 50)
    assert err.value.code == "invalid_pagination"


def test_the_largest_page_is_accepted():
    assert page_params("1000000", "200") == (1_000_000, 200)


class Person(StrictSchema):
    name = text(100)
    email = EmailField()


@pytest.mark.parametrize("value", ["Bob\x00", "Bo\x1bb", "\x7f", "Bob\ud800", "a\x0cb"])
def test_control_characters_and_lone_surrogates_in_text_are_422(value):
    with pytest.raises(Invalid) as err:
        load(Person(), {"name": value})
    assert "name" in err.value.fields
    with pytest.raises(Invalid):
        load(Person(), {"email": f"a{value}@b.test"})


def test_tabs_and_newlines_are_text():
    assert load(Person(), {"name": "Bob\tand\nAnn\r\n"}) == {"name": "Bob\tand\nAnn"}


@pytest.mark.parametrize("value,expected", [("2026-12-02", (2026, 12, 2)), ("0001-01-01", None),
                                            ("9999-12-31", None), ("1900-01-01", (1900, 1, 1)),
                                            ("2026-13-01", None), ("20261202", None), ("", None)])
def test_period_days_stay_in_a_range_every_time_zone_can_step_out_of(value, expected):
    day = parse_day(value)
    assert (day and (day.year, day.month, day.day)) == expected
