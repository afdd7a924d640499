"""Addresses as each country writes them (Google's address data), country names in the reader's
language (CLDR), postal codes checked against their country's format."""
import pytest
from marshmallow import ValidationError

from portico_kit import addresses
from portico_kit.schemas import AddressSchema


@pytest.mark.parametrize("address, language, lines", [
    ({"street": "1 Main St", "city": "Portland", "state": "OR", "zip": "97201", "country": "US"}, "en",
     ["1 Main St", "Portland, OR 97201", "United States"]),
    ({"attention": "Buchhaltung", "street": "Hauptstraße 5", "street2": "Hinterhaus", "city": "Berlin",
      "zip": "10115", "country": "de"}, "de",
     ["Buchhaltung", "Hauptstraße 5", "Hinterhaus", "10115 Berlin", "Deutschland"]),
    ({"street": "King Fahd Rd", "city": "Riyadh", "zip": "12345", "country": "SA"}, "ar",
     ["King Fahd Rd", "Riyadh 12345", "المملكة العربية السعودية"]),
    # the UAE's layout names the emirate, not the city: a city given is kept, once
    ({"street": "Sheikh Zayed Rd", "city": "Dubai", "state": "Dubai", "country": "AE"}, "en",
     ["Sheikh Zayed Rd", "Dubai", "United Arab Emirates"]),
    ({"street": "Hauptstr. 1", "city": "Bonn", "zip": "53111", "country": "Germany"}, "fr",  # older free text
     ["Hauptstr. 1", "53111 Bonn", "Germany"]),
])
def test_each_country_writes_its_addresses_its_own_way(address, language, lines):
    assert addresses.address_lines(address, language) == lines


def test_the_country_picker_names_countries_in_the_readers_language():
    german = dict(addresses.countries("de"))
    assert german["DE"] == "Deutschland" and german["SA"] == "Saudi-Arabien" and len(german) > 240
    assert dict(addresses.countries("ar"))["KW"] == "الكويت"
    names = [name for _, name in addresses.countries("en")]
    assert names == sorted(names, key=str.casefold)


@pytest.mark.parametrize("country, good, bad", [("DE", "10115", "1011"), ("US", "97201-1234", "9720"),
                                                ("GB", "SW1A 1AA", "12345"), ("SA", "12345", "ABCDE")])
def test_a_postal_code_must_look_like_its_countrys(country, good, bad):
    base = {"street": "1 Road", "city": "Town", "country": country}
    assert AddressSchema().load(dict(base, zip=good))["zip"] == good
    with pytest.raises(ValidationError) as err:
        AddressSchema().load(dict(base, zip=bad))
    assert err.value.messages["zip"][0].startswith(f"Not a postal code of {country}, such as ")
    assert AddressSchema().load(dict(base, country="Atlantis", zip="?"))  # free text: not checked
