"""Value shapes the whole API shares (API.md conventions): addresses, currencies, time zones."""
import zoneinfo

from marshmallow import validate, validates_schema, ValidationError

from . import addresses
from .l10n import LANGUAGES
from .money import CURRENCIES
from .validation import StrictSchema, text


class AddressSchema(StrictSchema):
    """`{attention?, street, street2?, city, state?, zip?, country}`"""
    attention = text(200, allow_none=True)
    street = text(300, required=True, allow_blank=False)
    street2 = text(300, allow_none=True)
    city = text(100, required=True, allow_blank=False)
    state = text(100, allow_none=True)
    zip = text(20, allow_none=True)
    country = text(100, required=True, allow_blank=False)

    @validates_schema
    def postal_code_of_the_country(self, data, **kwargs):
        """A postal code given for a country (ISO code) Google's address data knows must look like
        that country's (`10115` in DE, `97201` or `97201-1234` in the US); free-text countries of
        older data are left as they are."""
        example = addresses.postal_code_problem(data)
        if example:
            raise ValidationError(f"Not a postal code of {addresses.country_code(data.get('country'))}, "
                                  f"such as {example}.", "zip")


def currency(**kwargs):
    return text(3, validate_also=[validate.OneOf(sorted(CURRENCIES),
                                                 error="Not an ISO 4217 currency code.")], **kwargs)


def language(**kwargs):
    """One of the shipped languages (en, de, es, fr, ar)."""
    return text(5, validate_also=[validate.OneOf(LANGUAGES, error="One of " + ", ".join(LANGUAGES) + ".")],
                **kwargs)


_ZONES = None


def _zones():
    global _ZONES
    if _ZONES is None:
        _ZONES = zoneinfo.available_timezones() | {"UTC"}
    return _ZONES


def timezone_field(**kwargs):
    def check(value):
        if value not in _zones():
            raise ValidationError("Not a known time zone (e.g. Europe/Berlin).")
    return text(64, validate_also=[check], **kwargs)


__all__ = ["AddressSchema", "currency", "language", "timezone_field", "validates_schema"]
