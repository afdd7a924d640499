from marshmallow import fields, validate

from portico_kit.config import public_url
from portico_kit.schemas import AddressSchema, currency, language, timezone_field
from portico_kit.security import MIN_PASSWORD_LENGTH
from portico_kit.validation import EmailField, StrictBoolean, StrictSchema, text

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
    payment_instructions = text(2000, allow_none=True)


class ProfileSchema(StrictSchema):
    """A staff user's own settings."""
    name = text(200, allow_blank=False)
    language = language(allow_none=True)


class BrandingSchema(StrictSchema):
    accent_color = fields.String(allow_none=True, validate=validate.Regexp(
        r"^#[0-9A-Fa-f]{6}$", error="A colour as #RRGGBB, e.g. #0E7490."))
    attach_pdf_to_emails = StrictBoolean()
    facturx = StrictBoolean()
    logo_url = fields.Raw(load_only=True)  # read-only: sent back as it came, ignored


def logo_url(org_id, branding):
    """Public (emails show it), and versioned by content, so it can be cached for good."""
    if branding is None or not branding.logo_sha256:
        return None
    return f"{public_url()}/branding/{org_id}/logo/{branding.logo_sha256[:16]}"


def branding_dict(org_id, branding):
    return {"logo_url": logo_url(org_id, branding),
            "accent_color": (branding.accent_color if branding else None),
            "attach_pdf_to_emails": bool(branding and branding.attach_pdf_to_emails),
            "facturx": bool(branding and branding.facturx)}


def organization_dict(org, branding=None):
    return {
        "id": org.id, "name": org.name, "email": org.email, "phone": org.phone,
        "address": org.address, "currency": org.currency, "timezone": org.timezone,
        "language": org.language or "en", "tax_id": org.tax_id or None, "tax_label": org.tax_label or None,
        "payment_instructions": org.payment_instructions or None, "branding": branding_dict(org.id, branding),
    }


def country_of(org):
    """The ISO 3166 code of the organization's address ("DE"), None when it has none."""
    country = (org.address or {}).get("country") if isinstance(org.address, dict) else None
    return country.upper() if isinstance(country, str) and len(country) == 2 else None


def user_dict(user):
    return {"id": user.id, "name": user.name, "email": user.email, "role": user.role,
            "language": user.language}
