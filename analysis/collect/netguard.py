"""The network boundary of collection: which addresses a fetch may reach, and a deadline that holds.

A study file names URLs, and a page can redirect anywhere, so a shared ``study.toml`` could make a
colleague's machine fetch its own internal services (a router's admin page, a cloud metadata address)
and publish their text as articles. :class:`AddressGuard` resolves every host a connection is opened
to (the first URL, each redirect hop, robots.txt) and refuses loopback, private, link-local, shared
(CGNAT), multicast, reserved and unspecified addresses, including IPv4 addresses hidden inside IPv6
(mapped, 6to4, NAT64). Only the user, on the command line (``--allow-private-addresses``), lets
them through; a study file cannot.

The check and the connection use the same answer: :class:`GuardedAdapter` makes requests open its
sockets to the address that was checked (each host is resolved once per fetcher), while the
``Host`` header, TLS SNI and certificate checks keep the name. So a name that resolves to a public
address for the check and to a private one a moment later (DNS rebinding) is never connected to the
second. With an HTTP proxy the connection is to the proxy, so the proxy's address is what is checked.

Hand-written on purpose: requests and urllib3 have no hook for "connect to this checked address",
and the libraries that add one (advocate) are unmaintained.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Collection

import urllib3.connection
import urllib3.connectionpool
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

__all__ = ["AddressGuard", "AddressRefused", "GuardedAdapter", "address_problem", "system_resolver"]

Resolver = Callable[[str], list[str]]

# IPv6 prefixes that carry an IPv4 address in their bits; the IPv4 address is what gets reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):  # noqa: N818 - a refusal, not a failure: named like the status it becomes
    """A host resolved to an address that collection does not reach (see :func:`address_problem`).

    Not an ``OSError`` on purpose: urllib3 and requests wrap those into connection errors that are
    retried; this one passes through them unchanged and ends the fetch at once.
    """


def address_problem(address: str) -> str:
    """Why ``address`` (an IP literal) is not reached, or ``""`` when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return f"{address!r} is not an IP address"
    kind = _kind(ip)
    return f"{address.strip('[]')} is {kind}" if kind else ""


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (
            ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        if embedded is not None:
            inner = _kind(embedded)
            return f"an IPv6 form of {embedded}, {inner}" if inner else ""
    for kind in ("loopback", "link_local", "multicast", "unspecified", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    if not ip.is_global:  # shared address space (100.64.0.0/10) and the like
        return "not a public address"
    return ""


def system_resolver(host: str) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6), in its order, once each."""
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class AddressGuard:
    """Resolve each host once, refuse non-public addresses, and remember what was checked.

    ``allow_private`` lets every address through (``--allow-private-addresses``). ``trusted`` is a
    set of exact addresses let through as if public: for a local test server or a known mirror,
    from Python only. ``resolver`` maps a host name to its addresses (default: the system's).
    """

    def __init__(self, *, allow_private: bool = False, trusted: Collection[str] = (),
                 resolver: Resolver | None = None) -> None:
        self.allow_private = allow_private
        self.trusted = frozenset(str(ipaddress.ip_address(a)) for a in trusted)
        self._resolver = resolver or system_resolver
        self._checked: dict[str, list[str]] = {}
        # The connection currently sending or receiving, so a watchdog can cut it at the deadline.
        self.active: urllib3.connection.HTTPConnection | None = None

    def addresses(self, host: str) -> list[str]:
        """The checked addresses to connect to for ``host``.

        Raises :class:`AddressRefused` when any address of the host is not public (a name that
        resolves to a public and a private address is refused rather than tried in turn), and
        ``socket.gaierror`` when the name does not resolve.
        """
        host = host.strip("[]").rstrip(".").lower()
        try:  # one key for a name written in Unicode (a URL) and in punycode (urllib3's connection)
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
        if host in self._checked:
            return self._checked[host]
        try:
            answers = [str(ipaddress.ip_address(host))]  # an IP literal needs no resolver
        except ValueError:
            answers = self._resolver(host)
        if not answers:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} has no address")
        if not self.allow_private:
            for address in answers:
                problem = "" if address in self.trusted else address_problem(address)
                if problem:
                    where = "" if host == address else f"{host}: "
                    raise AddressRefused(f"{where}{problem}; not fetched (pass --allow-private-addresses "
                                         "to reach it)")
        self._checked[host] = answers
        return answers

    def problem(self, host: str) -> str:
        """The refusal message for ``host``, or ``""`` (also when the name does not resolve: that is
        left to the connection, which reports it as unreachable)."""
        try:
            self.addresses(host)
        except AddressRefused as exc:
            return str(exc)
        except (OSError, UnicodeError):
            return ""
        return ""

    def cut(self) -> None:
        """Shut the active connection's socket (from a watchdog thread): a blocked read returns at once."""
        conn = self.active
        sock = getattr(conn, "sock", None) if conn is not None else None
        if sock is not None:
            try:
                # The plain socket's shutdown, also for TLS: SSLSocket.shutdown would drop its SSL
                # object under the reading thread.
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass


def _guarded_connection(base: type[urllib3.connection.HTTPConnection], guard: AddressGuard) -> type:
    class Guarded(base):  # type: ignore[misc, valid-type]
        def _new_conn(self) -> socket.socket:
            # urllib3's own _new_conn, but to the checked addresses instead of a second lookup of the name.
            try:
                addresses = guard.addresses(self._dns_host)
            except socket.gaierror as exc:
                raise NameResolutionError(self.host, self, exc) from exc
            error: OSError | None = None
            for address in addresses:
                try:
                    sock = urllib3_connection.create_connection(
                        (address, self.port), self.timeout, source_address=self.source_address,
                        socket_options=self.socket_options)
                    return sock
                except TimeoutError as exc:
                    error = ConnectTimeoutError(
                        self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})")
                    error.__cause__ = exc
                except OSError as exc:
                    error = NewConnectionError(self, f"Failed to establish a new connection: {exc}")
                    error.__cause__ = exc
            assert error is not None
            raise error

        def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            guard.active = self
            return super().request(*args, **kwargs)

    Guarded.__name__ = f"Guarded{base.__name__}"
    return Guarded


class GuardedAdapter(HTTPAdapter):
    """A requests transport whose connections go only to addresses :class:`AddressGuard` checked."""

    def __init__(self, guard: AddressGuard, **kwargs: object) -> None:
        self.guard = guard
        self._pools = {
            "http": type("GuardedHTTPPool", (urllib3.connectionpool.HTTPConnectionPool,),
                         {"ConnectionCls": _guarded_connection(urllib3.connection.HTTPConnection, guard)}),
            "https": type("GuardedHTTPSPool", (urllib3.connectionpool.HTTPSConnectionPool,),
                          {"ConnectionCls": _guarded_connection(urllib3.connection.HTTPSConnection, guard)}),
        }
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools

    def proxy_manager_for(self, proxy: str, **kwargs):  # type: ignore[no-untyped-def]
        if proxy.lower().startswith("socks") and not self.guard.allow_private:
            # The SOCKS proxy resolves and connects for us: nothing here could check where it goes.
            raise AddressRefused(f"cannot check the addresses a SOCKS proxy ({proxy}) reaches; "
                                 "unset it or pass --allow-private-addresses")
        manager = super().proxy_manager_for(proxy, **kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = self._pools
        return manager


class Watchdog:
    """Cut the guard's active connection once ``seconds`` have passed, unless stopped first.

    Socket timeouts bound each read, not a transfer: a server sending a byte every second never
    trips them. This thread is what makes the whole-transfer limit hold, headers included.
    """

    def __init__(self, guard: AddressGuard, seconds: float) -> None:
        self.fired = threading.Event()
        self._guard = guard
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired.set()
        self._guard.cut()

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
