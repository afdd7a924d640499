from marshmallow import fields, validate

from portico_kit.schemas import AddressSchema, currency, language, timezone_field
from portico_kit.security import MIN_PASSWORD_LENGTH
from portico_kit.validation import EmailField, StrictSchema, text

password = fields.String(required=True, validate=validate.Length(
    min=MIN_PASSWORD_LENGTH, max=1024, error=f"Use at least {MIN_PASSWORD_LENGTH} characters."))


class SignupSchema(StrictSchema):
    organization_name = text(200, required=True, allow_blank=False)
    name = text(200, required=True, allow_blank=False)
    email = EmailField(required=True)
    password = password


class LoginSchema(StrictSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=1024))


class PasswordResetRequestSchema(StrictSchema):
    email = EmailField(required=True)


class PasswordResetSchema(StrictSchema):
    password = password


class OrganizationSchema(StrictSchema):
    name = text(200, allow_blank=False)
    email = EmailField(allow_none=True)
    phone = text(50, allow_none=True)
    address = fields.Nested(AddressSchema, allow_none=True)
    currency = currency()
    timezone = timezone_field()
    language = language()
    tax_id = text(50, allow_none=True)
    tax_label = text(20, allow_none=True)


class ProfileSchema(StrictSchema):
    """A staff user's own settings."""
    name = text(200, allow_blank=False)
    language = language(allow_none=True)


def organization_dict(org):
    return {
        "id": org.id, "name": org.name, "email": org.email, "phone": org.phone,
        "address": org.address, "currency": org.currency, "timezone": org.timezone,
        "language": org.language or "en", "tax_id": org.tax_id or None, "tax_label": org.tax_label or None,
    }


def country_of(org):
    """The ISO 3166 code of the organization's address ("DE"), None when it has none."""
    country = (org.address or {}).get("country") if isinstance(org.address, dict) else None
    return country.upper() if isinstance(country, str) and len(country) == 2 else None


def user_dict(user):
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role,
            "language": user.language}
