"""The address a request came from, for per-address sign-in limits.

`X-Forwarded-For` is anyone's to write, so it is believed only from a configured proxy
(`TRUSTED_PROXIES`: addresses or networks, comma-separated, e.g. `10.0.0.0/8,127.0.0.1`): the
client is then the right-most address in it that is not itself a trusted proxy. Without
`TRUSTED_PROXIES` the socket's peer is the client.
"""
import ipaddress

from flask import request

from .calls import settings


def parse_networks(value):
    """`TRUSTED_PROXIES` -> networks; a malformed entry is an error at start, not a silent hole."""
    networks = []
    for part in (value or "").split(","):
        part = part.strip()
        if part:
            networks.append(ipaddress.ip_network(part, strict=False))
    return tuple(networks)


def _address(value):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address():
    networks = settings().trusted_proxies
    peer = _address(request.remote_addr)
    if not _trusted(peer, networks):
        return str(peer) if peer else (request.remote_addr or "")
    hops = [_address(h) for h in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            break  # garbage in the chain: trust nothing to the left of it
        if not _trusted(hop, networks):
            return str(hop)
    return str(peer)
