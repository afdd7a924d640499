import pytest
from nameko.exceptions import deserialize, serialize

from portico_kit import errors
from portico_kit.schemas import AddressSchema
from portico_kit.validation import EmailField, StrictBoolean, StrictSchema, flatten_messages, load, text


@pytest.mark.parametrize("cls", [errors.NotFound, errors.Invalid, errors.Conflict, errors.ServiceTimeout,
                                 errors.Unauthorized, errors.Gone, errors.TooManyRequests])
def test_errors_cross_the_rpc_boundary_as_themselves(cls):
    original = cls(code="some_code", message="A sentence.", fields={"email": "Bad."})
    copy = deserialize(serialize(original))
    assert type(copy) is cls
    assert (copy.code, copy.message, copy.fields, copy.status) == ("some_code", "A sentence.", {"email": "Bad."},
                                                                   cls.status)


def test_an_error_without_fields_stays_without_fields():
    copy = deserialize(serialize(errors.NotFound()))
    assert copy.fields == {} and "fields" not in copy.to_dict()["error"]


class Thing(StrictSchema):
    name = text(5, required=True, allow_blank=False)
    email = EmailField()
    flag = StrictBoolean()
    address = __import__("marshmallow").fields.Nested(AddressSchema)


def test_load_reports_every_problem_by_field_path():
    with pytest.raises(errors.Invalid) as err:
        load(Thing(), {"name": "toolong", "email": "x", "flag": "yes", "address": {"city": "B"}, "extra": 1})
    assert set(err.value.fields) == {"name", "email", "flag", "address.street", "address.country", "extra"}


def test_a_partial_update_may_leave_out_fields_but_not_half_an_address():
    assert load(Thing(), {"flag": True}, partial=True) == {"flag": True}
    with pytest.raises(errors.Invalid) as err:
        load(Thing(), {"address": {"street": "Hauptstr. 5", "city": "Berlin"}}, partial=True)
    assert set(err.value.fields) == {"address.country"}


def test_load_trims_and_lowercases():
    assert load(Thing(), {"name": " Bo ", "email": " Bo@X.Test "}) == {"name": "Bo", "email": "bo@x.test"}


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(errors.Invalid) as err:
        load(Thing(), ["name"])
    assert err.value.code == "invalid_body"


def test_flatten_messages():
    assert flatten_messages({"a": {"b": ["x", "y"]}, "c": ["z"]}) == {"a.b": "x y", "c": "z"}

