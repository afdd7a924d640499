"""Menus of the staff app and the portal. Every entry names a registered page: a missing one is a
test failure (gateway/tests/test_navigation.py), never a silently hidden entry.

Portal entries may name a feature (GET .../me portal.features): hidden when the organization
turned it off.
"""
from flask import request, url_for
from flask_babel import gettext

from portico_kit.i18n import N_

STAFF_NAV = [
    (N_("Customers"), "staff_customers.customers"),
    (N_("Invoices"), "staff_billing.invoices"),
    (N_("Quotes"), "staff_billing.quotes"),
    (N_("Payments"), "staff_billing.payments"),
    (N_("Projects"), "staff_billing.projects"),
    (N_("Reviews"), "staff_reviews.report"),
    (N_("Portal activity"), "staff_activity.activity"),
    (N_("Email log"), "staff.notifications"),
    (N_("Settings"), "staff.portal_settings"),
]

# Settings sub-pages (tabs on the settings pages).
SETTINGS_NAV = [
    (N_("Customer Portal"), "staff.portal_settings"),
    (N_("Organization"), "staff_organization.organization"),
    (N_("Branding"), "staff_branding.branding"),
    (N_("Custom fields"), "staff_fields.custom_fields"),
    (N_("Email templates"), "staff_templates.email_templates"),
]

PORTAL_NAV = [
    (N_("Home"), "portal_pages.home", None),
    (N_("Invoices"), "portal_billing.invoices", None),
    (N_("Quotes"), "portal_billing.quotes", None),
    (N_("Payments"), "portal_billing.payments", None),
    (N_("Statement"), "portal_statement.statement", None),
    (N_("Projects"), "portal_billing.projects", "projects"),
    (N_("Reviews"), "portal_reviews.requests", "reviews"),
    (N_("My details"), "portal_profile.profile", None),
]


def staff_menu():
    return [(gettext(label), endpoint) for label, endpoint in STAFF_NAV]


def settings_menu():
    return [(gettext(label), endpoint) for label, endpoint in SETTINGS_NAV]


def portal_menu(features):
    return [(gettext(label), endpoint) for label, endpoint, feature in PORTAL_NAV
            if feature is None or (features or {}).get(feature)]


def is_current(endpoint):
    """Highlight a menu entry on its page and on the other pages of its area (its blueprint);
    "Settings" stays highlighted on every settings page."""
    current = request.endpoint or ""
    if current == endpoint:
        return True
    if endpoint == SETTINGS_NAV[0][1]:  # and on the sub-pages of a settings area (one template's page)
        return current in {e for _, e in SETTINGS_NAV} or current.split(".")[0] in {
            e.split(".")[0] for _, e in SETTINGS_NAV[1:]}
    area, current_area = endpoint.split(".")[0], current.split(".")[0]
    # an area may spread over several blueprints named after it (staff_customers_contacts ...)
    if area in ("staff", "portal_pages") or not (current_area == area or current_area.startswith(area + "_")):
        return False
    siblings = {e for _, e, *_ in STAFF_NAV + PORTAL_NAV if e.split(".")[0] == area}
    if len(siblings) == 1:
        return True
    # One area, several entries (billing: invoices, quotes ...): the entry whose address the page is under.
    args = {"portal_name": request.view_args["portal_name"]} if "portal_name" in (request.view_args or {}) else {}
    base = url_for(endpoint, **args)
    return request.path == base or request.path.startswith(base.rstrip("/") + "/")


def register(app):
    app.jinja_env.globals.update(staff_menu=staff_menu, settings_menu=settings_menu, portal_menu=portal_menu,
                                 is_current=is_current)
