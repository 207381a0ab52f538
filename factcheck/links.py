"""Web addresses people paste: article links, evidence, archived copies."""

from urllib.parse import urlsplit

URL_MAX = 2000


def web_address_problem(value: str) -> str | None:
    """Why this cannot be stored as a link (None when it can): http(s) only, a host required,
    no user:password@, no spaces, length-capped, all checked after parsing."""
    if len(value) > URL_MAX:
        return f"The address is longer than {URL_MAX:,} characters."
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return "The address contains spaces or invisible characters."
    try:
        parts = urlsplit(value)
        parts.port  # raises on a malformed port
    except ValueError:
        return "This address could not be read; paste it again from the browser."
    if parts.scheme.lower() not in ("http", "https"):
        return "Only http:// and https:// addresses are accepted."
    if not parts.hostname:
        return "The address needs a host name, like https://example.org/story."
    if parts.username is not None or parts.password is not None:
        return "Addresses with a user name or password in them are not accepted."
    return None
