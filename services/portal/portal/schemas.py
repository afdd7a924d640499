from marshmallow import fields, validate

from portico_kit import config
from portico_kit.security import MIN_PASSWORD_LENGTH
from portico_kit.timeutil import iso
from portico_kit.validation import EmailField, StrictBoolean, StrictSchema, text

FLAGS = ("notify_staff_on_activity", "allow_forwarding", "notify_customer_on_comment",
         "reviews_enabled", "show_projects", "allow_profile_edit", "send_payment_receipts")


class PreferencesSchema(StrictSchema):
    portal_name = fields.String()  # checked by names.problem() for a precise 422
    portal_url = fields.String()   # read-only: accepted so a GET body can be PUT back, then ignored
    banner_message = text(2000, allow_none=True)
    notify_staff_on_activity = StrictBoolean()
    allow_forwarding = StrictBoolean()
    notify_customer_on_comment = StrictBoolean()
    reviews_enabled = StrictBoolean()
    show_projects = StrictBoolean()
    allow_profile_edit = StrictBoolean()
    send_payment_receipts = StrictBoolean()


class AcceptInvitationSchema(StrictSchema):
    password = fields.String(required=True)


class LoginSchema(StrictSchema):
    email = fields.String(required=True)
    password = fields.String(required=True)


class PasswordResetRequestSchema(StrictSchema):
    email = EmailField(required=True)


class PasswordResetSchema(StrictSchema):
    password = fields.String(required=True, validate=validate.Length(
        min=MIN_PASSWORD_LENGTH, max=1024, error=f"Use at least {MIN_PASSWORD_LENGTH} characters."))


class ContactIdsSchema(StrictSchema):
    contact_ids = fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                              validate=validate.Length(max=500), allow_none=True)


def portal_url(portal_name):
    return f"{config.public_url()}/portal/{portal_name}"


def preferences_dict(prefs):
    result = {"portal_name": prefs.portal_name, "portal_url": portal_url(prefs.portal_name),
              "banner_message": prefs.banner_message or ""}
    result.update({flag: getattr(prefs, flag) for flag in FLAGS})
    return result


def features(prefs):
    """What the signed-in customer may do (GET .../me: portal.features)."""
    return {"forwarding": prefs.allow_forwarding, "projects": prefs.show_projects,
            "profile_edit": prefs.allow_profile_edit, "reviews": prefs.reviews_enabled}


def portal_public(prefs):
    return {"name": prefs.portal_name, "url": portal_url(prefs.portal_name),
            "organization_name": prefs.organization_name,
            "banner_message": prefs.banner_message or "", "features": features(prefs),
            "branding": branding(prefs)}


def branding(prefs):
    return {"logo_url": prefs.logo_url, "accent_color": prefs.accent_color}


DISABLED_MESSAGE = "Portal access has been turned off for your account. Please contact the business."


def contact_status(contact):
    if contact.disabled_at:
        return "disabled"
    if contact.password_hash:
        return "active"
    return "invited" if contact.invited_at else "not_invited"


def portal_contact_dict(contact, invitation=None, language=None):
    """`invitation`: the contact's open invitation, if any (staff see when it expires); `language`:
    the one the contact reads (their own, their customer's or the organization's)."""
    return {"contact_id": contact.contact_id, "email": contact.email, "name": contact.name,
            "language": language or contact.language,
            "status": contact_status(contact), "invited_at": iso(contact.invited_at),
            "invitation_expires_at": iso(invitation.expires_at) if invitation is not None else None,
            "activated_at": iso(contact.activated_at), "last_login_at": iso(contact.last_login_at),
            "disabled_at": iso(contact.disabled_at)}
