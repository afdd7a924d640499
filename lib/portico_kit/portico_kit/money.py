"""Money crosses boundaries as decimal strings next to an ISO 4217 code, in that currency's own
minor units: `"1250"` JPY, `"1250.50"` USD, `"1250.125"` KWD. The number of decimals comes from
Babel's currency data (ISO 4217 / CLDR), never from a table of ours; rounding is half-up.

Formatting for people (symbols, separators, the reader's language) is `portico_kit.l10n`.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision

# Active ISO 4217 codes (2024 list), enough to refuse typos like "EURO" or "usd " and withdrawn
# currencies (Babel also knows DEM or ESP, which no invoice should carry any more).
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF
XPF YER ZAR ZMW ZWL
""".split())

# The most decimals any active currency has (KWD, BHD, OMR, JOD, TND, LYD): what storage must hold.
MAX_DIGITS = 3


@lru_cache(maxsize=None)
def currency_digits(code):
    """Decimals of the currency's minor unit: JPY 0, USD 2, KWD 3 (2 for a code Babel lacks)."""
    return get_currency_precision((code or "").strip().upper())


def quantum(code):
    """The currency's smallest unit as a Decimal exponent: Decimal("1"), ("0.01"), ("0.001")."""
    return Decimal(1).scaleb(-currency_digits(code))


def to_decimal(value):
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValueError(f"not a number: {value!r}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def round_money(value, currency):
    """Half-up to the currency's own minor unit: 0.125 USD -> 0.13, 0.5 JPY -> 1, 0.0125 KWD -> 0.013."""
    return to_decimal(value).quantize(quantum(currency), rounding=ROUND_HALF_UP) + 0


def money_str(value, currency):
    """The API's form: "1250" JPY, "1250.50" USD, "1250.125" KWD."""
    return str(round_money(value if value is not None else 0, currency))


def has_too_many_digits(value, currency):
    """True when a decimal carries more decimals than the currency's minor unit ("1.001" USD)."""
    number = to_decimal(value)
    return number != number.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def to_minor_units(value, currency):
    """An amount as an integer count of minor units, as card processors want it: 30.375 KWD -> 30375."""
    return int(round_money(value, currency).scaleb(currency_digits(currency)))


def from_minor_units(units, currency):
    """The other way: 30375 KWD minor units -> Decimal("30.375")."""
    return (Decimal(int(units)).scaleb(-currency_digits(currency))).quantize(quantum(currency))


# Stripe takes three-decimal currencies (KWD, BHD, OMR) in minor units whose last digit is 0
CARD_STEP_THREE_DECIMALS = 10


def card_chargeable(value, currency):
    """The most a card (Stripe) can pay of an amount: all of it, but for three-decimal currencies
    rounded down to Stripe's step (30.375 KWD -> 30.370). Billing charges by it; the Pay page offers it."""
    units = to_minor_units(value, currency)
    if currency_digits(currency) == 3:
        units -= units % CARD_STEP_THREE_DECIMALS
    return from_minor_units(units, currency)


def tax_summary(lines):
    """[{rate, base, tax}] (decimal strings) per tax rate of a document's lines, lowest rate first;
    a rate of 0 is included when other rates exist (the summary then shows what was not taxed), and
    nothing when no line is taxed. The same on the pages and the PDFs."""
    def number(value):
        try:
            return Decimal(str(value if value not in (None, "") else 0))
        except InvalidOperation:
            return Decimal(0)
    rates = {}
    for line in lines or []:
        rate = number(line.get("tax_rate")).normalize()
        entry = rates.setdefault(rate, {"rate": format(rate, "f"), "base": Decimal(0), "tax": Decimal(0)})
        entry["base"] += number(line.get("amount"))
        entry["tax"] += number(line.get("tax_amount"))
    if set(rates) <= {Decimal(0)}:
        return []
    return [dict(entry, base=format(entry["base"], "f"), tax=format(entry["tax"], "f"))
            for _, entry in sorted(rates.items())]
