"""URL normalisation and registered-domain lookup for article and outlet URLs."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

# Matches Article.url (String(2048)); longer URLs are almost always tracking junk.
MAX_URL_LENGTH = 2048

# Query parameters that identify a campaign or a click, never the page: dropping them lets the
# same article shared from a newsletter and from Facebook normalise to one URL.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid", "_ga", "ref_src"}
)
TRACKING_PREFIXES = ("utm_",)

DEFAULT_PORTS = {"http": 80, "https": 443}

# Bundled list, no network. The private section is honoured, so blogs on shared hosts
# (someone.blogspot.com) count as separate sites, which is what an outlet is.
# The parsed list is read-only after construction (documented thread-safe), so one instance
# per process is enough.
_PSL = PublicSuffixList()

# Whitespace, C0/C1 controls and invisible format characters (zero-width, bidi overrides),
# which browsers strip or reinterpret, so a URL holding one is not what it looks like.
_CONTROL_OR_SPACE = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]"
)
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# RFC 3986 reserved + unreserved characters, plus "%" so existing escapes survive quote().
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def normalise_url(url: str) -> str:
    """Return the canonical http(s) form of url, or raise ValueError saying why it is refused."""
    if not isinstance(url, str):
        raise ValueError("URL must be a string")
    url = url.strip()
    if not url:
        raise ValueError("empty URL")
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"URL longer than {MAX_URL_LENGTH} characters")
    bad = _CONTROL_OR_SPACE.search(url)
    if bad:
        invisible = unicodedata.category(bad.group()) in ("Cc", "Cf")
        what = "a control character" if invisible else "a space"
        raise ValueError(f"URL contains {what} at position {bad.start() + 1}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. a malformed [IPv6] literal
        raise ValueError(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        what = f"scheme {scheme!r}" if scheme else "no scheme"
        raise ValueError(f"not an http(s) URL ({what})")
    if "@" in parts.netloc:
        # user:password@host leaks credentials into the database and is a phishing classic.
        raise ValueError("URL must not contain a user name or password")
    host = _normalise_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"invalid port in {parts.netloc!r}") from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_escapes(quote(parts.path, safe=_SAFE_PATH)) or "/"
    query = _strip_tracking(_normalise_escapes(quote(parts.query, safe=_SAFE_QUERY)))
    normalised = urlunsplit((scheme, netloc, path, query, ""))
    if len(normalised) > MAX_URL_LENGTH:
        raise ValueError(f"URL longer than {MAX_URL_LENGTH} characters once normalised")
    return normalised


def is_http_url(s: object) -> bool:
    """Tell whether s is an http(s) URL that normalise_url accepts."""
    if not isinstance(s, str):
        return False
    try:
        normalise_url(s)
    except ValueError:
        return False
    return True


def registered_domain(url_or_host: str) -> str | None:
    """Return the registered domain (public suffix + one label) of a URL or host name.

    IP addresses are returned as they are; public suffixes and single labels such as
    "localhost" have no registered domain and give None.
    """
    text = url_or_host.strip()
    if "://" in text:
        host = urlsplit(text).hostname or ""
    else:
        host = text.lower()
        if host.startswith("["):
            host = host[1:].split("]", 1)[0]
    host = host.rstrip(".")
    if not host:
        return None
    ip = _as_ip(host)
    if ip is not None:
        return ip
    try:
        ascii_host = _idna(host)
    except ValueError:
        return None
    return _PSL.privatesuffix(ascii_host)


def _normalise_host(host: str) -> str:
    """Lower-case, IDNA-encode and validate a host name from urlsplit."""
    host = host.rstrip(".")
    if not host:
        raise ValueError("URL has no host")
    ip = _as_ip(host)
    if ip is not None:
        return f"[{ip}]" if ":" in ip else ip
    ascii_host = _idna(host)
    if not re.fullmatch(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*", ascii_host):
        raise ValueError(f"invalid host name {host!r}")
    return ascii_host


def _idna(host: str) -> str:
    """Encode host to its lower-case ASCII (punycode) form."""
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(f"invalid host name {host!r}") from exc


def _as_ip(host: str) -> str | None:
    """Return the canonical text of an IP address, or None if host is a name."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _normalise_escapes(text: str) -> str:
    """Upper-case percent escapes so %2f and %2F compare equal (RFC 3986 6.2.2.1)."""
    return _PERCENT_ESCAPE.sub(lambda m: m.group().upper(), text)


def _strip_tracking(query: str) -> str:
    """Drop tracking parameters and empty pairs, keeping the order of the rest."""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = unquote_plus(pair.split("=", 1)[0]).lower()
        if key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES):
            continue
        kept.append(pair)
    return "&".join(kept)
