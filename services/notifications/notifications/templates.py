"""Email templates per organization: one per kind and language, the default until staff change it.

The RPCs (mixed into NotificationsService) back `/api/v1/settings/email-templates` and the staff
page: list, read, save (checked first), preview with sample data, reset to the default, each for
one language (`language`, default the organization's).

Which text an email gets, for a recipient reading language L: the organization's own text in L;
else its own text in the organization's language (what staff wrote is theirs to send); else the
default text in L.
"""
import logging

from sqlalchemy import select

from portico_kit.actors import require_staff
from portico_kit.errors import Invalid, NotFound, ServiceError
from portico_kit.rpc import rpc
from portico_kit.timeutil import iso, utcnow
from portico_kit.validation import load

from . import rendering
from portico_kit.l10n import language_or_none, pick_language

from .defaults import default_template
from .kinds import EDITABLE, KINDS, sample
from .lookups import ServiceLookup
from .models import EmailTemplate
from .schemas import PreviewSchema, TemplateSchema

log = logging.getLogger(__name__)


def stored(session, org_id, kind, language="en"):
    return session.get(EmailTemplate, (org_id, kind, language)) if org_id else None


def chosen_text(session, org_id, kind, language, org_language=None):
    """The organization's own row for `language`, else for its own language, else None."""
    if not KINDS[kind].editable:
        return None
    for candidate in dict.fromkeys([pick_language(language), pick_language(org_language)]):
        row = stored(session, org_id, kind, candidate)
        if row is not None:
            return row
    return None


def render_email(session, org_id, kind, context, branding=None, language=None, org_language=None):
    """(subject, text, html) from the organization's template (see the module's note on which),
    or the default one in the recipient's language.

    A saved template was checked against sample data; should real data still trip it up, the
    email goes out with the default text instead of not at all."""
    row = chosen_text(session, org_id, kind, language, org_language)
    if row is not None:
        try:
            return rendering.render(row.subject, row.body, context, branding)
        except rendering.TemplateProblem as exc:
            log.warning("template %s of %s failed (%s); sending the default", kind, org_id, exc)
    default = default_template(kind, language)
    return rendering.render(default["subject"], default["body"], context, branding)


def template_dict(kind, row=None, include_defaults=False, language="en"):
    spec, default = KINDS[kind], default_template(kind, language)
    result = {
        "kind": kind, "language": language, "label": spec.label, "recipients": spec.recipients,
        "subject": row.subject if row else default["subject"],
        "body": row.body if row else default["body"],
        "customized": row is not None, "updated_at": iso(row.updated_at) if row else None,
        "placeholders": [{"name": name, "description": text} for name, text in spec.placeholders],
        "required": list(spec.required),
    }
    if include_defaults:
        result["default"] = dict(default)
    return result


def _problem_to_invalid(problem):
    where = f" of the {problem.field}" if not problem.line else f" on line {problem.line} of the {problem.field}"
    return Invalid(code="invalid_template", message=f"The template has an error{where}: {problem.message}",
                   fields={problem.field: problem.describe()})


class TemplateSettings:
    """Mixed into NotificationsService (needs `db`)."""

    @rpc
    def list_templates(self, actor, language=None):
        org_id = require_staff(actor)
        language = self._language(actor, language)
        rows = {row.kind: row for row in self.db.scalars(select(EmailTemplate).where(
            EmailTemplate.org_id == org_id, EmailTemplate.language == language))}
        items = [template_dict(kind, rows.get(kind), language=language) for kind in EDITABLE]
        return {"items": items, "total": len(items), "language": language}

    @rpc
    def get_template(self, actor, kind, language=None):
        org_id = require_staff(actor)
        language = self._language(actor, language)
        return template_dict(self._kind(kind), stored(self.db, org_id, kind, language), include_defaults=True,
                             language=language)

    @rpc
    def update_template(self, actor, kind, data):
        org_id = require_staff(actor)
        kind = self._kind(kind)
        data = dict(data or {}) if isinstance(data, dict) else data
        language = self._language(actor, data.pop("language", None) if isinstance(data, dict) else None)
        data = load(TemplateSchema(), data)
        self._check(kind, data["subject"], data["body"], actor, language)
        row = stored(self.db, org_id, kind, language)
        if row is None:
            row = EmailTemplate(org_id=org_id, kind=kind, language=language)
            self.db.add(row)
        row.subject, row.body = data["subject"].strip(), data["body"]
        row.updated_at, row.updated_by = utcnow(), actor.get("name")
        self.db.commit()
        return template_dict(kind, row, include_defaults=True, language=language)

    @rpc
    def preview_template(self, actor, kind, data=None):
        """Render `{subject?, body?, language?}` (the saved template where left out) with sample data."""
        org_id = require_staff(actor)
        kind = self._kind(kind)
        data = dict(data or {}) if isinstance(data, dict) else data
        language = self._language(actor, data.pop("language", None) if isinstance(data, dict) else None)
        data = load(PreviewSchema(), data or {})
        current = template_dict(kind, stored(self.db, org_id, kind, language), language=language)
        subject, body = data.get("subject") or current["subject"], data.get("body") or current["body"]
        context = self._check(kind, subject, body, actor, language, facts=self._organization_facts(actor))
        subject, text, html = rendering.render(subject, body, context)
        return {"kind": kind, "language": language, "subject": subject, "text": text, "html": html,
                "sample": True}

    @rpc
    def reset_template(self, actor, kind, language=None):
        org_id = require_staff(actor)
        kind = self._kind(kind)
        language = self._language(actor, language)
        row = stored(self.db, org_id, kind, language)
        if row is not None:
            self.db.delete(row)
            self.db.commit()
        return template_dict(kind, None, include_defaults=True, language=language)

    def _language(self, actor, language):
        """A shipped language, else the organization's (422 for anything else that was asked for)."""
        if language in (None, ""):
            return pick_language(actor.get("org_language"))
        code = language_or_none(language)
        if code is None or code != str(language).strip().lower():
            raise Invalid(code="invalid_language",
                          message="Unknown language: use one of en, de, es, fr, ar.",
                          fields={"language": "Use one of en, de, es, fr, ar."})
        return code

    def _kind(self, kind):
        if kind not in KINDS or not KINDS[kind].editable:
            raise NotFound(code="template_not_found",
                           message=f"There is no email template called “{kind}”. "
                                   f"Templates: {', '.join(EDITABLE)}.")
        return kind

    def _organization_facts(self, actor):
        """What makes a preview the organization's own: its name, email, phone, currency and portal
        address (a service that does not answer leaves the invented value in its place)."""
        org_id = actor["org_id"]
        lookup = ServiceLookup(self)
        facts = {"name": actor.get("org_name"), "currency": actor.get("org_currency"), "public_url": lookup.public_url,
                 "staff_name": actor.get("name"), "staff_email": actor.get("email")}
        try:
            org = lookup.organization(org_id, actor.get("org_name"))
            facts.update(email=org.get("email"), phone=org.get("phone"), name=org.get("name") or facts["name"])
        except ServiceError:
            pass
        try:
            facts["portal_url"] = lookup.preferences(org_id, actor.get("org_name")).get("portal_url")
        except ServiceError:
            pass
        return facts

    def _check(self, kind, subject, body, actor, language=None, facts=None):
        context = sample(kind, actor.get("org_name"), language, facts)
        try:
            rendering.check(subject, body, context, KINDS[kind].required)
        except rendering.TemplateProblem as problem:
            raise _problem_to_invalid(problem)
        return context
