"""Portal names: the `<portal_name>` in /portal/<portal_name>, unique across organizations."""
import re
import unicodedata

PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_LENGTH, MAX_LENGTH = 3, 63
# Words that would read as part of the product rather than one business's portal.
RESERVED = frozenset("""
admin administrator api app apps assets static portal portals login logout signin signup register
settings invite invitations www mail email help support healthz readyz metrics docs status billing
account accounts root system null undefined new edit me dashboard staff portico
""".split())


def problem(name):
    """Why `name` cannot be a portal name, or None."""
    if not isinstance(name, str) or not name:
        return "Enter a portal name."
    if not MIN_LENGTH <= len(name) <= MAX_LENGTH:
        return f"Use {MIN_LENGTH} to {MAX_LENGTH} characters."
    if not PATTERN.match(name):
        return ("Use lowercase letters, digits and single hyphens only, starting and ending with a "
                "letter or digit (e.g. acme-design).")
    if name in RESERVED:
        return f"“{name}” is reserved; choose another name."
    return None


def derive(organization_name):
    """A valid base name from an organization name ("Müller & Söhne GmbH" -> "muller-sohne-gmbh")."""
    ascii_name = unicodedata.normalize("NFKD", organization_name or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_LENGTH - 4].strip("-")
    if len(slug) < MIN_LENGTH or slug in RESERVED:
        slug = (slug + "-portal").strip("-") if slug else "portal-" + "x"
    return slug


def candidates(base):
    yield base
    for n in range(2, 10000):
        yield f"{base}-{n}"
