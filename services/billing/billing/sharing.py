"""Forwarding: a customer sends one document to another person, who reads it through an expiring
link that never signs anyone in."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from portico_kit.actors import public, require_customer, require_staff, system_actor
from portico_kit.errors import Forbidden, Gone, NotFound, TooManyRequests
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
        self._check_forward_rate(actor)
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
                         contact_id=contact.get("id"), sender_contact_id=actor.get("contact_id"),
                         expires_at=utcnow() + timedelta(days=config.share_link_ttl_days()))
        self.db.add(link)
        view_url = f"{prefs['portal_url'].rstrip('/')}/shared/{link.token}"
        self.events(events.DOCUMENT_FORWARDED, events.forwarded_payload(doc_type, doc, link, view_url, today(actor)),
                    actor=public(actor))
        self.db.commit()
        return {"forwarded": True, "expires_at": iso(link.expires_at),
                "recipient": {"name": link.recipient_name, "email": link.recipient_email,
                              "contact_id": link.contact_id}}

    def _check_forward_rate(self, actor):
        """429 with Retry-After once this contact, or this customer, forwarded too much: forwarding
        sends mail in the business's name to any address, so it must not become a mailing tool."""
        now = utcnow()
        limits = config.forward_limits()
        for scope, column, value in (("contact", ShareLink.sender_contact_id, actor.get("contact_id")),
                                     ("customer", ShareLink.customer_id, actor["customer_id"])):
            if not value:
                continue
            for limit, seconds in limits[scope]:
                since = now - timedelta(seconds=seconds)
                count, oldest = self.db.execute(
                    select(func.count(), func.min(ShareLink.created_at)).where(
                        column == value, ShareLink.org_id == actor["org_id"],
                        ShareLink.created_at >= since)).one()
                if count >= limit:
                    wait = (aware(oldest) + timedelta(seconds=seconds) - now).total_seconds()
                    self.db.rollback()
                    raise TooManyRequests(code="too_many_requests", retry_after=wait,
                                          message="You have forwarded a lot of documents recently; "
                                                  "try again later.")

    @rpc
    def get_shared_document(self, portal_name, token):
        """No actor: the link is the permission. It resolves by its token to its own organization
        only; `portal_name` is that organization's portal name today (the gateway redirects an
        old name there, so a name taken over by another organization never shows this document).

        Unknown token: 404. Expired, or ended (revoked by staff, the invoice voided, the customer's
        portal disabled, forwarding turned off, the recipient's contact or the customer deleted): 410."""
        if not isinstance(token, str) or len(token) > 64:
            raise NotFound(code="link_not_found", message=LINK_NOT_FOUND)
        link = self.db.get(ShareLink, token)
        if link is None:
            raise NotFound(code="link_not_found", message=LINK_NOT_FOUND)
        if aware(link.expires_at) <= utcnow():
            raise Gone(code="link_expired", message="This link has expired. Ask for the document again.")
        org_id, customer_id, contact_id, created = link.org_id, link.customer_id, link.contact_id, aware(link.created_at)
        if link.revoked_at is None:
            self.db.rollback()  # no connection held while asking portal and customers
            reason, state = self._share_link_ended(org_id, customer_id, contact_id, created)
            link = self.db.get(ShareLink, token)
            if reason is None:
                model = Invoice if link.doc_type == "invoice" else Quote
                doc = self.db.scalar(select(model).where(model.id == link.doc_id, model.org_id == link.org_id))
                reason = "document_deleted" if doc is None else ("voided" if doc.status == "void" else None)
            if reason:
                link.revoked_at, link.revoked_reason = utcnow(), reason
                self.db.commit()
        if link.revoked_at is not None:
            raise Gone(code="link_revoked", message="This link no longer works. Ask for the document again.")
        model = Invoice if link.doc_type == "invoice" else Quote
        doc = self.db.scalar(select(model).where(model.id == link.doc_id, model.org_id == link.org_id))
        link.last_opened_at, link.open_count = utcnow(), (link.open_count or 0) + 1
        day = today()
        result = invoice_dict(doc, day) if link.doc_type == "invoice" else quote_dict(doc, day)
        result["organization_id"] = link.org_id
        result["expires_at"] = iso(link.expires_at)
        result["portal_name"] = state["portal_name"]
        self.db.commit()
        return result

    def _share_link_ended(self, org_id, customer_id, contact_id, created):
        """(why a link made at `created` no longer works or None, portal's state). Asks portal and
        customers: their own tables say what was switched off or deleted, and since when."""
        state = self.portal.share_link_state(org_id, customer_id)
        if not state["forwarding"] or _before(created, state["forwarding_since"]):
            return "forwarding_off", state
        if not state["customer_enabled"] or _before(created, state["customer_enabled_since"]):
            return "portal_disabled", state
        try:
            customer = self.customers.get_customer(system_actor(org_id), customer_id)
        except NotFound:
            return "customer_deleted", state
        if contact_id and contact_id not in {c["id"] for c in customer.get("contacts", [])}:
            return "contact_deleted", state
        return None, state

    # -- staff: who a document was forwarded to, and ending a link ---------------------------

    @rpc
    def list_share_links(self, actor, doc_type, doc_id):
        require_staff(actor)
        doc = self._load_document(actor, doc_type, doc_id)
        links = self.db.scalars(select(ShareLink).where(ShareLink.org_id == doc.org_id, ShareLink.doc_id == doc.id,
                                                        ShareLink.doc_type == doc_type)
                                .order_by(ShareLink.created_at.desc())).all()
        return {"items": [share_link_dict(link) for link in links]}

    @rpc
    def revoke_share_link(self, actor, doc_type, doc_id, link_id):
        require_staff(actor)
        doc = self._load_document(actor, doc_type, doc_id)
        links = self.db.scalars(select(ShareLink).where(ShareLink.org_id == doc.org_id, ShareLink.doc_id == doc.id,
                                                        ShareLink.doc_type == doc_type)).all()
        link = next((link for link in links if link_id_of(link) == link_id), None)
        if link is None:
            raise NotFound(code="share_link_not_found", message="No such share link on this document.")
        if link.revoked_at is None:
            link.revoked_at, link.revoked_reason = utcnow(), "revoked"
        result = share_link_dict(link)
        self.db.commit()
        return result


def _before(moment, since):
    return bool(since) and moment < aware(datetime.fromisoformat(since.replace("Z", "+00:00")))


def link_id_of(link):
    """Staff see a link by this id, never by its token (the token alone opens the document)."""
    return hashlib.sha256(link.token.encode()).hexdigest()[:24]


def share_link_dict(link):
    now = utcnow()
    status = ("revoked" if link.revoked_at is not None else
              "expired" if aware(link.expires_at) <= now else "active")
    return {"id": link_id_of(link), "recipient": {"name": link.recipient_name, "email": link.recipient_email,
                                                  "contact_id": link.contact_id},
            "sender_contact_id": link.sender_contact_id, "created_at": iso(link.created_at),
            "expires_at": iso(link.expires_at), "last_opened_at": iso(link.last_opened_at),
            "open_count": link.open_count or 0, "status": status,
            "revoked_at": iso(link.revoked_at), "revoked_reason": link.revoked_reason}
