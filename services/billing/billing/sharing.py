"""Forwarding: a customer sends one document to another person, who reads it through an expiring
link that never signs anyone in."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from portico_kit.actors import public, require_customer, system_actor
from portico_kit.errors import Forbidden, Gone, NotFound
from portico_kit.rpc import rpc
from portico_kit.timeutil import aware, iso, utcnow
from portico_kit.validation import load

from . import config, events
from .documents import check_doc_type
from .models import Invoice, Quote, ShareLink
from .schemas import ForwardSchema, invoice_dict, quote_dict
from .status import today

LINK_NOT_FOUND = "This link is not valid."


def split_name(name):
    first, _, last = name.strip().partition(" ")
    return first, last.strip() or None


class SharingMixin:

    @rpc
    def forward_document(self, actor, doc_type, doc_id, data):
        org_id = require_customer(actor)
        check_doc_type(doc_type)
        data = load(ForwardSchema(), data)
        doc = self._load_document(actor, doc_type, doc_id)
        doc_id = doc.id
        self.db.rollback()  # no connection held while asking portal and customers
        if not self.portal.get_features(actor).get("forwarding"):
            raise Forbidden(code="forwarding_disabled", message="Forwarding documents is turned off.")
        prefs = self.portal.get_preferences(system_actor(org_id))
        first_name, last_name = split_name(data["name"])
        contact = self.customers.ensure_contact(actor, actor["customer_id"], {
            "first_name": first_name, "last_name": last_name, "email": data["email"]})

        doc = self._load_document(actor, doc_type, doc_id)  # still there, still visible
        link = ShareLink(token=secrets.token_urlsafe(32), org_id=org_id, portal_name=prefs["portal_name"],
                         doc_type=doc_type, doc_id=doc.id, customer_id=doc.customer_id,
                         recipient_email=data["email"], recipient_name=data["name"],
                         contact_id=contact.get("id"),
                         expires_at=utcnow() + timedelta(days=config.share_link_ttl_days()))
        self.db.add(link)
        view_url = f"{prefs['portal_url'].rstrip('/')}/shared/{link.token}"
        self.events(events.DOCUMENT_FORWARDED, events.forwarded_payload(doc_type, doc, link, view_url, today(actor)),
                    actor=public(actor))
        self.db.commit()
        return {"forwarded": True, "expires_at": iso(link.expires_at),
                "recipient": {"name": link.recipient_name, "email": link.recipient_email,
                              "contact_id": link.contact_id}}

    @rpc
    def get_shared_document(self, portal_name, token):
        """No actor: the link is the permission. Another portal's name or an unknown token: 404."""
        if not isinstance(token, str) or not isinstance(portal_name, str) or len(token) > 64:
            raise NotFound(code="link_not_found", message=LINK_NOT_FOUND)
        link = self.db.get(ShareLink, token)
        if link is None or link.portal_name.lower() != portal_name.strip().lower():
            raise NotFound(code="link_not_found", message=LINK_NOT_FOUND)
        if aware(link.expires_at) <= utcnow():
            raise Gone(code="link_expired", message="This link has expired. Ask for the document again.")
        model = Invoice if link.doc_type == "invoice" else Quote
        doc = self.db.scalar(select(model).where(model.id == link.doc_id, model.org_id == link.org_id))
        if doc is None:
            raise NotFound(code="link_not_found", message=LINK_NOT_FOUND)
        day = today()
        result = invoice_dict(doc, day) if link.doc_type == "invoice" else quote_dict(doc, day)
        result["organization_id"] = link.org_id
        result["expires_at"] = iso(link.expires_at)
        return result


