"""Portico's gettext catalogs: one set for the gateway's pages, the emails and the PDFs.

They live in the kit (`portico_kit/locales/<language>/LC_MESSAGES/messages.po`) so that the
gateway (Flask-Babel), notifications and documents read the same translations without importing
one another. The `.po` files are the source; the `.mo` files are compiled by the install step
(`make venv`, each Dockerfile) and are not kept in git:

    python -m portico_kit.i18n compile   # .po -> .mo (the install step runs it)
    make messages                        # developers: source -> messages.pot -> every .po (babel.cfg)

tests/i18n/test_catalogs.py extracts the source afresh and fails when a shipped language lacks a
translation of any message.
"""
import os
import sys
from functools import lru_cache

from babel.support import NullTranslations, Translations

from .l10n import DEFAULT_LANGUAGE, LANGUAGES, pick_language

LOCALES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locales")
DOMAIN = "messages"


def catalog_path(language, ext="po"):
    return os.path.join(LOCALES_DIR, language, "LC_MESSAGES", f"{DOMAIN}.{ext}")


@lru_cache(maxsize=None)
def translations(language):
    """The compiled catalog of a shipped language (English: the source strings themselves)."""
    code = pick_language(language)
    if code == DEFAULT_LANGUAGE:
        return NullTranslations()
    found = Translations.load(LOCALES_DIR, [code], DOMAIN)
    if not isinstance(found, Translations):
        raise RuntimeError(f"No compiled catalog for {code!r} in {LOCALES_DIR}: run `python -m portico_kit.i18n compile`"
                           " (make venv does).")
    return found


def gettext(language, message, **values):
    text = translations(language).gettext(message)
    return text % values if values else text


def ngettext(language, singular, plural, count, **values):
    text = translations(language).ngettext(singular, plural, count)
    return text % dict(values, num=count)


def N_(message):
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def compile_catalogs():
    """Every .po -> .mo next to it (fuzzy entries are left out, as gettext does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for language in LANGUAGES:
        source = catalog_path(language)
        if not os.path.exists(source):
            continue
        with open(source, "rb") as fh:
            catalog = read_po(fh, locale=language)
        with open(catalog_path(language, "mo"), "wb") as fh:
            write_mo(fh, catalog)
        compiled.append(language)
    translations.cache_clear()
    return compiled


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "compile":
        print("compiled:", ", ".join(compile_catalogs()) or "nothing")
        return 0
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
