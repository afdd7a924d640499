"""Every message the source marks for translation (pages, emails, PDFs: babel.cfg) is translated in
every shipped language, and every catalog compiles and reads back the way gettext will use it."""
import os
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from portico_kit import i18n
from portico_kit.l10n import DEFAULT_LANGUAGE, LANGUAGES

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{\{\s*[\w.]+\s*\}\}")


def method_map():
    """babel.cfg's sections, as extract_from_dir wants them."""
    with open(os.path.join(ROOT, "babel.cfg")) as fh:
        return [tuple(reversed(m.groups())) for m in re.finditer(r"^\[(\w+):\s*(\S+)\]", fh.read(), re.M)]


def source_messages():
    found = set()
    for _, _, message, _, _ in extract_from_dir(ROOT, method_map(), keywords=KEYWORDS,
                                                 options_map={}):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.fixture(scope="module")
def messages():
    return source_messages()


def catalog(language):
    with open(i18n.catalog_path(language), "rb") as fh:
        return read_po(fh, locale=language)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE])
def test_every_message_is_translated(messages, language):
    assert messages, "nothing is marked for translation"
    po = catalog(language)
    missing = sorted(m for m in messages if not (po.get(m) and all(po.get(m).string if isinstance(
        po.get(m).string, tuple) else [po.get(m).string]) and "fuzzy" not in po.get(m).flags))
    assert missing == [], f"{language}: {len(missing)} messages lack a translation (make messages, then translate)"


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE])
def test_translations_keep_their_placeholders(language):
    for entry in catalog(language):
        if not entry.id or not entry.string:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[0]
        texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for text in texts:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), (language, source, text)


def test_the_compiled_catalogs_are_what_pages_emails_and_pdfs_read():
    i18n.compile_catalogs()
    assert i18n.gettext("de", "Sign in") == "Anmelden"
    assert i18n.gettext("ar", "Sign in") == "تسجيل الدخول"
    assert i18n.gettext("en", "Sign in") == "Sign in"
