"""Email templates per organization: one per kind, the default until staff change it.

The RPCs (mixed into NotificationsService) back `/api/v1/settings/email-templates` and the staff
page: list, read, save (checked first), preview with sample data, reset to the default.
"""
import logging

from sqlalchemy import select

from portico_kit.actors import require_staff
from portico_kit.errors import Invalid, NotFound
from portico_kit.rpc import rpc
from portico_kit.timeutil import iso, utcnow
from portico_kit.validation import load

from . import rendering
from .defaults import DEFAULTS
from .kinds import EDITABLE, KINDS, sample
from .models import EmailTemplate
from .schemas import PreviewSchema, TemplateSchema

log = logging.getLogger(__name__)


def stored(session, org_id, kind):
    return session.get(EmailTemplate, (org_id, kind)) if org_id else None


def render_email(session, org_id, kind, context, branding=None):
    """(subject, text, html) from the organization's template, or the default one.

    A saved template was checked against sample data; should real data still trip it up, the
    email goes out with the default text instead of not at all."""
    row = stored(session, org_id, kind) if KINDS[kind].editable else None
    if row is not None:
        try:
            return rendering.render(row.subject, row.body, context, branding)
        except rendering.TemplateProblem as exc:
            log.warning("template %s of %s failed (%s); sending the default", kind, org_id, exc)
    default = DEFAULTS[kind]
    return rendering.render(default["subject"], default["body"], context, branding)


def template_dict(kind, row=None, include_defaults=False):
    spec, default = KINDS[kind], DEFAULTS[kind]
    result = {
        "kind": kind, "label": spec.label, "recipients": spec.recipients,
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
    def list_templates(self, actor):
        org_id = require_staff(actor)
        rows = {row.kind: row for row in self.db.scalars(select(EmailTemplate).where(EmailTemplate.org_id == org_id))}
        items = [template_dict(kind, rows.get(kind)) for kind in EDITABLE]
        return {"items": items, "total": len(items)}

    @rpc
    def get_template(self, actor, kind):
        org_id = require_staff(actor)
        return template_dict(self._kind(kind), stored(self.db, org_id, kind), include_defaults=True)

    @rpc
    def update_template(self, actor, kind, data):
        org_id = require_staff(actor)
        kind = self._kind(kind)
        data = load(TemplateSchema(), data)
        self._check(kind, data["subject"], data["body"], actor)
        row = stored(self.db, org_id, kind)
        if row is None:
            row = EmailTemplate(org_id=org_id, kind=kind)
            self.db.add(row)
        row.subject, row.body = data["subject"].strip(), data["body"]
        row.updated_at, row.updated_by = utcnow(), actor.get("name")
        self.db.commit()
        return template_dict(kind, row, include_defaults=True)

    @rpc
    def preview_template(self, actor, kind, data=None):
        """Render `{subject?, body?}` (the saved template where left out) with sample data."""
        org_id = require_staff(actor)
        kind = self._kind(kind)
        data = load(PreviewSchema(), data or {})
        current = template_dict(kind, stored(self.db, org_id, kind))
        subject, body = data.get("subject") or current["subject"], data.get("body") or current["body"]
        context = self._check(kind, subject, body, actor)
        subject, text, html = rendering.render(subject, body, context)
        return {"kind": kind, "subject": subject, "text": text, "html": html, "sample": True}

    @rpc
    def reset_template(self, actor, kind):
        org_id = require_staff(actor)
        kind = self._kind(kind)
        row = stored(self.db, org_id, kind)
        if row is not None:
            self.db.delete(row)
            self.db.commit()
        return template_dict(kind, None, include_defaults=True)

    def _kind(self, kind):
        if kind not in KINDS or not KINDS[kind].editable:
            raise NotFound(code="template_not_found",
                           message=f"There is no email template called “{kind}”. "
                                   f"Templates: {', '.join(EDITABLE)}.")
        return kind

    def _check(self, kind, subject, body, actor):
        context = sample(kind, actor.get("org_name"))
        try:
            rendering.check(subject, body, context, KINDS[kind].required)
        except rendering.TemplateProblem as problem:
            raise _problem_to_invalid(problem)
        return context
