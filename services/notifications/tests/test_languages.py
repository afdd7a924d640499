"""Emails in the recipient's language: the default text translated, amounts and dates as the
reader writes them, the staff's own text per language (falling back to the organization's)."""
from portico_kit.testing.smtp import body_text

from . import payloads
from .test_events import only


def test_each_contact_reads_the_invoice_email_in_their_language(system, org, dispatch_event):
    customer = org.customer("Bäckerei Krume", email="anna@krume.test", portal=True,
                            contacts=[{"first_name": "Nour", "last_name": "Haddad", "email": "nour@krume.test",
                                       "language": "ar"}])
    system.customers.update_customer(org.staff, customer["id"], {"language": "de"})
    system.portal.enable_portal(org.staff, customer["id"])  # invites Nour too
    invitation = system.mail.wait_for("nour@krume.test")[0]
    assert "مرحبًا Nour Haddad،" in body_text(invitation)  # the invitation speaks her language already

    data = payloads.invoice_sent(customer, number="INV-000042", total="1250.00")
    dispatch_event("billing", "invoice_sent", data, org_id=org.id)
    german = only(system.mail, "anna@krume.test", subject_contains="Rechnung")
    assert german["Subject"] == f"Rechnung INV-000042 von {org.name}"
    text = body_text(german)
    assert "Hallo Bäckerei Krume," in text
    assert "über 1.250,00\u00a0€ gesendet, fällig am 16. Dezember 2026." in text
    assert "Ansehen und bezahlen in Ihrem Kundenportal:" in text and "Vielen Dank für Ihren Auftrag." in text

    arabic = only(system.mail, "nour@krume.test", subject_contains="INV-000042")
    assert arabic["Subject"] == f"الفاتورة INV-000042 من {org.name}"
    assert "أرسلت إليك" in body_text(arabic) and "1,250.00" in body_text(arabic)


def test_staff_write_a_template_per_language_and_others_fall_back_to_the_organizations(system, org,
                                                                                      dispatch_event):
    german_text = {"subject": "Ihre Rechnung {{ document.number }}", "language": "de",
                   "body": "Guten Tag {{ recipient.name }}, anbei {{ document.amount }}."}
    saved = system.notifications.update_template(org.staff, "invoice_sent", german_text)
    assert saved["language"] == "de" and saved["customized"] is True
    assert system.notifications.get_template(org.staff, "invoice_sent")["customized"] is False  # English: default
    assert system.notifications.get_template(org.staff, "invoice_sent", "de")["subject"] == german_text["subject"]
    listed = system.notifications.list_templates(org.staff, "de")
    assert listed["language"] == "de" and any(t["customized"] for t in listed["items"])
    preview = system.notifications.preview_template(org.staff, "invoice_sent", {"language": "de"})
    assert preview["text"].startswith("Guten Tag Bob Baker, anbei 1.250,00\u00a0$.")  # the organization's currency
    default_fr = system.notifications.get_template(org.staff, "invoice_sent", "fr")
    assert default_fr["subject"] == "Facture {{ document.number }} de {{ organization.name }}"

    german = org.customer("Krume", email="krume@krume.test")
    system.customers.update_customer(org.staff, german["id"], {"language": "de"})
    french = org.customer("Boulangerie", email="paul@boulangerie.test")
    system.customers.update_customer(org.staff, french["id"], {"language": "fr"})
    for customer in (german, french):
        dispatch_event("billing", "invoice_sent", payloads.invoice_sent(customer, number="INV-7", total="99.50"),
                       org_id=org.id)
    assert only(system.mail, "krume@krume.test")["Subject"] == "Ihre Rechnung INV-7"
    assert only(system.mail, "paul@boulangerie.test")["Subject"] == f"Facture INV-7 de {org.name}"

    # the organization's own text (English here) is what a language without its own text gets
    system.notifications.update_template(org.staff, "invoice_sent", {
        "subject": "Our invoice {{ document.number }}", "body": "Hello {{ recipient.name }}: {{ document.amount }}."})
    spanish = org.customer("Panadería", email="ana@panaderia.test")
    system.customers.update_customer(org.staff, spanish["id"], {"language": "es"})
    dispatch_event("billing", "invoice_sent", payloads.invoice_sent(spanish, number="INV-8", total="10"),
                   org_id=org.id)
    assert only(system.mail, "ana@panaderia.test")["Subject"] == "Our invoice INV-8"

    system.notifications.reset_template(org.staff, "invoice_sent", "de")
    assert system.notifications.get_template(org.staff, "invoice_sent", "de")["customized"] is False


def test_an_unknown_language_is_refused(system, org):
    import pytest
    from portico_kit.errors import Invalid

    with pytest.raises(Invalid) as refused:
        system.notifications.get_template(org.staff, "invoice_sent", "klingon")
    assert refused.value.code == "invalid_language" and "language" in refused.value.fields


def test_staff_read_portal_activity_in_their_own_language(system, org, dispatch_event):
    org.set_prefs(notify_staff_on_activity=True)
    system.accounts.update_profile(org.staff, {"language": "de"})
    customer = org.customer("Bob's Bikes", email="bob@bikes.test", portal=True)
    quote = payloads.quote_accepted(customer, number="QT-000007", total="980.50")
    dispatch_event("billing", "quote_accepted", quote, org_id=org.id, actor=org.customer_actor(customer))
    message = only(system.mail, org.owner_email, subject_contains="QT-000007")
    assert message["Subject"] == "Bob's Bikes hat Angebot QT-000007 angenommen"
    assert "Angebot QT-000007 über 980,50\u00a0€ wurde von Bob's Bikes angenommen." in body_text(message)
