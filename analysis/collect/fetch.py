"""Network access. The only module that opens connections.

:func:`download_file` fetches dataset archives for :mod:`analysis.collect.datasets`.
:class:`Fetcher` fetches web pages the way a careful researcher should:
a descriptive user agent, robots.txt respected, a per-host rate limit,
timeouts, a size cap, bounded retries with backoff and ``Retry-After``, and
redirects followed with a limit. It never raises for a network or HTTP
problem: every URL ends in a :class:`FetchResult` whose ``status`` says
what happened, because a collection run over thousands of URLs must go on
past the ones that fail. :func:`analysis.collect.rawstore.collect_urls` keeps
what it fetched in the raw-evidence store.
"""

from __future__ import annotations

import email.utils
import hashlib
import http.client
import re
import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
import urllib3.exceptions

from analysis import __version__
from analysis.collect.netguard import AddressGuard, AddressRefused, GuardedAdapter, Resolver, Watchdog

# Re-exported: the collector lives with the store it writes (analysis.collect.rawstore).
from analysis.core.errors import DownloadError
from analysis.core.storage import atomic_path

__all__ = [
    "USER_AGENT", "FetchPolicy", "FetchResult", "FetchStatus", "Fetcher", "download_file", "parse_retry_after",
]

USER_AGENT = f"media-framing-analysis/{__version__} (research toolkit; +https://pypi.org/project/media-framing-analysis/)"
CHUNK = 1 << 16
# Page bodies are read in small pieces, whatever has arrived, so the whole-transfer deadline is looked at often.
READ_CHUNK = 1 << 13

FetchStatus = Literal[
    "ok", "http_error", "timeout", "too_large", "not_html",
    "robots_disallowed", "bad_url", "unreachable", "redirect_loop", "refused_address",
]

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently to fetch. All times in seconds.

    ``timeout`` bounds the connection and each read (requests' meaning);
    ``max_time`` bounds each request's whole transfer, headers and body,
    however slowly the bytes come. ``backoff_base * 2**n`` is the wait before retry
    ``n + 1``; a ``Retry-After`` on 429/503 replaces it, and one longer than
    ``max_retry_after`` ends the retries rather than coming back early.
    """

    user_agent: str = USER_AGENT
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff_base: float = 1.0
    max_retry_after: float = 120.0
    per_host_delay: float = 1.0
    respect_robots: bool = True
    # Whole-transfer limit: ``timeout`` bounds each read, so a server trickling bytes needs this too.
    max_time: float = 120.0

    def __post_init__(self) -> None:
        for name in ("timeout", "max_bytes", "max_time"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchPolicy.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_redirects", "retries", "backoff_base", "max_retry_after", "per_host_delay"):
            if getattr(self, name) < 0:
                raise ValueError(f"FetchPolicy.{name} must be >= 0, got {getattr(self, name)!r}")


@dataclass
class FetchResult:
    """What one :meth:`Fetcher.fetch` found. ``body`` is kept for ``ok`` and ``not_html``."""

    url: str
    final_url: str
    status: FetchStatus
    http_status: int | None = None
    content_type: str = ""
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    retrieved_at: str = ""
    attempts: int = 0
    error: str = ""
    note: str = ""
    # Seconds the last answer's Retry-After asked us to wait (429/503), so a later run can honour it.
    retry_after: float | None = None


@dataclass
class _Outcome:
    """One attempt: the result so far, and whether (and after what wait) to try again."""

    result: FetchResult
    retry: bool = False
    retry_after: float | None = None


class Fetcher:
    """Fetch web pages politely; see :class:`FetchPolicy`.

    One instance remembers each host's robots.txt and last request time, so
    use one fetcher for a whole run, from one thread (it is not thread-safe).
    ``sleep`` and ``clock`` are injectable so tests can record waits instead
    of spending them.

    Only public addresses are reached (see :mod:`analysis.collect.netguard`);
    ``allow_private_addresses`` (the command line's ``--allow-private-addresses``)
    lifts that, ``trusted_addresses`` lets exact addresses through (a local
    test server), and ``resolver`` replaces the system's name lookup.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        allow_private_addresses: bool = False,
        trusted_addresses: tuple[str, ...] | frozenset[str] = (),
        resolver: Resolver | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._sleep = sleep
        self._clock = clock
        self._guard = AddressGuard(allow_private=allow_private_addresses, trusted=trusted_addresses,
                                   resolver=resolver)
        self._session = requests.Session()
        for prefix in ("http://", "https://"):
            self._session.mount(prefix, GuardedAdapter(self._guard))
        self._session.headers["User-Agent"] = self.policy.user_agent
        self._session.max_redirects = self.policy.max_redirects  # only robots.txt uses requests' redirects
        self._robots: dict[str, tuple[urllib.robotparser.RobotFileParser | None, str]] = {}
        self._last_request: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str) -> FetchResult:
        """Fetch ``url``; never raises for network or HTTP problems."""
        problem = _url_problem(url)
        if problem:
            return self._finish(FetchResult(url, url, "bad_url", error=problem))
        # Before robots.txt too: a refused host is not contacted at all.
        refused = self._guard.problem(urlsplit(url).hostname or "")
        if refused:
            return self._finish(FetchResult(url, url, "refused_address", error=refused))
        note = ""
        if self.policy.respect_robots:
            allowed, note = self._robots_allow(url)
            if not allowed:
                return self._finish(FetchResult(url, url, "robots_disallowed", note=note,
                                                error=f"robots.txt of {_origin(url)} disallows {url}"))
        attempts = 0
        while True:
            attempts += 1
            try:
                outcome = self._attempt(url)
            except AddressRefused as exc:  # a proxy, or a name whose answer changed (not re-resolved)
                return self._finish(FetchResult(url, url, "refused_address", attempts=attempts, error=str(exc)))
            except (ValueError, UnicodeError, urllib3.exceptions.HTTPError) as exc:
                # urllib3 rejects some host names and redirect targets with its own errors.
                return self._finish(FetchResult(url, url, "bad_url", attempts=attempts,
                                                error=f"{url}: cannot be fetched ({type(exc).__name__}: {exc})"))
            result = outcome.result
            result.attempts = attempts
            result.retry_after = outcome.retry_after
            result.note = "; ".join(n for n in (note, result.note) if n)
            if not outcome.retry or attempts > self.policy.retries:
                return self._finish(result)
            if outcome.retry_after is not None:
                if outcome.retry_after > self.policy.max_retry_after:
                    result.error += (f"; server asked to wait {outcome.retry_after:g} s, more than "
                                     f"max_retry_after={self.policy.max_retry_after:g} s, so gave up")
                    return self._finish(result)
                wait = outcome.retry_after
            else:
                wait = self.policy.backoff_base * 2 ** (attempts - 1)
            if wait > 0:
                self._sleep(wait)

    # -- one attempt: follow redirects by hand so each hop is checked ------------

    def _attempt(self, url: str) -> _Outcome:
        current, chain = url, [url]
        while True:
            self._wait_for_host(current)
            with Watchdog(self._guard, self.policy.max_time) as watchdog:
                try:
                    response = self._session.get(current, stream=True, allow_redirects=False,
                                                 timeout=self.policy.timeout)
                except requests.RequestException as exc:
                    self._mark_host(current)
                    if watchdog.fired.is_set():  # cut while the headers trickled in
                        return _Outcome(FetchResult(url, current, "timeout", error=self._too_long()))
                    return _failure(url, current, exc)
                try:
                    with response:
                        if not response.is_redirect:
                            return self._read(url, current, response, watchdog)
                        target = urljoin(current, self._session.get_redirect_target(response) or "")
                finally:
                    self._mark_host(current)
            if target in chain:
                return _Outcome(FetchResult(url, target, "redirect_loop", response.status_code,
                                            error="redirect loop: " + " -> ".join(chain + [target])))
            if len(chain) > self.policy.max_redirects:
                return _Outcome(FetchResult(url, target, "redirect_loop", response.status_code,
                                            error=f"more than {self.policy.max_redirects} redirects, "
                                                  f"last to {target}"))
            problem = _url_problem(target)
            if problem:
                return _Outcome(FetchResult(url, target, "bad_url", response.status_code,
                                            error=f"redirected to a URL that is not fetched: {problem}"))
            refused = self._guard.problem(urlsplit(target).hostname or "")
            if refused:
                return _Outcome(FetchResult(url, target, "refused_address", response.status_code,
                                            error=f"redirected to {target}: {refused}"))
            if self.policy.respect_robots:
                allowed, note = self._robots_allow(target)
                if not allowed:
                    return _Outcome(FetchResult(url, target, "robots_disallowed", response.status_code, note=note,
                                                error=f"redirected to {target}, which robots.txt disallows"))
            chain.append(target)
            current = target

    def _too_long(self) -> str:
        return f"transfer took longer than {self.policy.max_time:g} s"

    def _read(self, url: str, current: str, response: requests.Response, watchdog: Watchdog) -> _Outcome:
        code = response.status_code
        content_type = response.headers.get("Content-Type", "")
        headers = dict(response.headers)

        def result(status: FetchStatus, **kw: object) -> FetchResult:
            return FetchResult(url, current, status, code, content_type, headers=headers, **kw)  # type: ignore[arg-type]

        if not 200 <= code < 300:
            error = f"HTTP {code} {response.reason or ''}".strip()
            retry_after = None
            if code in (429, 503):
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            return _Outcome(result("http_error", error=error), retry=code in RETRY_STATUSES,
                            retry_after=retry_after)
        limit = self.policy.max_bytes
        declared = _int_or_none(response.headers.get("Content-Length"))
        if declared is not None and declared > limit:
            return _Outcome(result("too_large", error=f"Content-Length {declared:,} bytes exceeds the limit of {limit:,}"))
        chunks, size = [], 0
        deadline = self._clock() + self.policy.max_time
        raw = response.raw
        sock = getattr(raw.connection, "sock", None)
        try:
            while True:
                left = deadline - self._clock()
                if left <= 0 or watchdog.fired.is_set():
                    return _Outcome(result("timeout", error=self._too_long()))
                if isinstance(sock, socket.socket):  # one read never waits past the deadline either
                    sock.settimeout(max(0.01, min(self.policy.timeout, left)))
                # read1: whatever has arrived (up to READ_CHUNK), not a full chunk; a trickle is looked at often.
                block = raw.read1(READ_CHUNK, decode_content=True)
                if not block:
                    break
                size += len(block)
                if size > limit:
                    return _Outcome(result("too_large", error=f"more than {limit:,} bytes; stopped reading"))
                chunks.append(block)
            if watchdog.fired.is_set():  # the cut can look like the end of a body sent without a length
                return _Outcome(result("timeout", error=self._too_long()))
        except (OSError, urllib3.exceptions.HTTPError, http.client.HTTPException) as exc:
            if watchdog.fired.is_set() or self._clock() > deadline:
                return _Outcome(result("timeout", error=self._too_long()))
            outcome = _failure(url, current, exc, after_bytes=size)
            outcome.result.http_status, outcome.result.content_type = code, content_type
            outcome.result.headers = headers
            return outcome
        body = b"".join(chunks)
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime in HTML_TYPES or (not mime and _looks_like_html(body)):
            return _Outcome(result("ok", body=body))
        return _Outcome(result("not_html", body=body,
                               error=f"content type {mime or 'missing'!r} is not HTML"))

    # -- politeness ---------------------------------------------------------------

    def _robots_allow(self, url: str) -> tuple[bool, str]:
        """Whether robots.txt lets us fetch ``url``, and a note when we could not tell."""
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        parser, note = self._robots[origin]
        if parser is None:
            return True, note
        return parser.can_fetch(self.policy.user_agent, url), note

    def _load_robots(self, origin: str) -> tuple[urllib.robotparser.RobotFileParser | None, str]:
        # RFC 9309: a 4xx means no rules. An unreachable or failing robots.txt
        # is "allowed, but noted" here rather than the RFC's "disallow all":
        # otherwise an offline run would log every URL as disallowed instead
        # of unreachable, and the note keeps the outage visible in the log.
        robots_url = origin + "/robots.txt"
        try:
            self._wait_for_host(robots_url)
            with Watchdog(self._guard, self.policy.max_time), \
                    self._session.get(robots_url, stream=True, timeout=self.policy.timeout) as response:
                if 400 <= response.status_code < 500:
                    return None, ""
                if response.status_code >= 300:
                    return None, f"robots.txt answered HTTP {response.status_code}; treated as allowing all"
                raw = b""
                for block in response.iter_content(CHUNK):
                    raw += block
                    if len(raw) >= ROBOTS_MAX_BYTES:
                        break
        except (requests.RequestException, ValueError, UnicodeError, urllib3.exceptions.HTTPError,
                AddressRefused) as exc:
            return None, f"robots.txt unreachable ({_describe(exc)}); treated as allowing all"
        finally:
            self._mark_host(robots_url)
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(raw[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace").splitlines())
        crawl_delay = parser.crawl_delay(self.policy.user_agent)
        if crawl_delay:
            # Capped like Retry-After: a site asking for minutes per page is
            # still fetched, just as slowly as we are willing to wait.
            host = urlsplit(origin).netloc.lower()
            self._host_delay[host] = max(self.policy.per_host_delay,
                                         min(float(crawl_delay), self.policy.max_retry_after))
        return parser, ""

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        delay = self._host_delay.get(host, self.policy.per_host_delay)
        last = self._last_request.get(host)
        if last is not None and delay > 0:
            wait = delay - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)

    def _mark_host(self, url: str) -> None:
        self._last_request[urlsplit(url).netloc.lower()] = self._clock()

    def _finish(self, result: FetchResult) -> FetchResult:
        result.retrieved_at = _utc_now()
        return result


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _failure(url: str, current: str, exc: Exception, *, after_bytes: int = 0) -> _Outcome:
    """Classify a requests (or, mid-body, urllib3) exception into a status, and whether retrying can help."""
    host = urlsplit(current).netloc
    where = f" after {after_bytes:,} bytes" if after_bytes else ""
    if isinstance(exc, requests.Timeout) or _caused_by(exc, urllib3.exceptions.ReadTimeoutError):
        return _Outcome(FetchResult(url, current, "timeout", error=f"{host} timed out{where} ({_describe(exc)})"),
                        retry=True)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return _Outcome(FetchResult(url, current, "bad_url", error=f"invalid URL ({_describe(exc)})"))
    # A name that does not resolve (or no network at all) will not resolve a
    # second later; retrying would only make an offline run slow.
    transient = not _caused_by(exc, urllib3.exceptions.NameResolutionError) \
        and not isinstance(exc, requests.exceptions.SSLError)
    return _Outcome(FetchResult(url, current, "unreachable", error=f"connection to {host} failed{where} ({_describe(exc)})"),
                    retry=transient)


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack: list[object] = [exc]
    while stack:
        item = stack.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, kind):
            return True
        stack.extend([item.__cause__, item.__context__, getattr(item, "reason", None), *item.args])
    return False


def _describe(exc: BaseException) -> str:
    """A short one-line reason from requests' nested, repr-heavy exception text."""
    text = str(exc)
    errno = re.search(r"\[Errno -?\d+\] [^'\")\]]+", text)
    if errno:
        return errno.group(0).strip()
    if "Read timed out" in text:
        return "read timed out"
    if "timed out" in text:
        return "connect timed out"
    return f"{type(exc).__name__}: {' '.join(text.split())[:200]}"


def _url_problem(url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        return "empty URL"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"{url!r} is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"{url}: only http and https URLs are fetched, not {parts.scheme or 'a bare path'!r}"
    if not parts.hostname:
        return f"{url}: no host name"
    try:
        labels = parts.hostname.rstrip(".").encode("idna").split(b".")
    except UnicodeError as exc:
        return f"{url}: host name is not valid ({exc})"
    if any(not label or len(label) > 63 for label in labels):
        return f"{url}: host name {parts.hostname!r} has an empty or over-long label"
    return ""


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None  # a malformed Content-Length is ignored; the streamed cap still holds


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def download_file(url: str, dest: Path, *, timeout: float = 60.0, max_bytes: int = 2 << 30,
                  sha256: str | None = None) -> Path:
    """Stream ``url`` into ``dest`` atomically; raise :class:`DownloadError` on any failure.

    With ``sha256`` the bytes must have that digest, or nothing is kept.
    """
    scheme = urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise DownloadError(f"{url}: only http and https URLs are fetched, not {scheme or 'a bare path'!r}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, atomic_path(dest) as tmp:
            declared_raw = response.headers.get("Content-Length")
            try:
                declared = int(declared_raw) if declared_raw else None
            except ValueError:
                raise DownloadError(f"{url}: malformed Content-Length header {declared_raw!r}") from None
            if declared is not None and declared > max_bytes:
                raise DownloadError(f"{url}: {declared:,} bytes exceeds the limit of {max_bytes:,}")
            size, digest = 0, hashlib.sha256()
            with open(tmp, "wb") as out:
                while block := response.read(CHUNK):
                    size += len(block)
                    if size > max_bytes:
                        raise DownloadError(f"{url}: more than {max_bytes:,} bytes; stopped")
                    out.write(block)
                    digest.update(block)
            # http.client returns b"" at an early close instead of raising, so a
            # cut-off body would otherwise be saved as if complete.
            if declared is not None and size != declared:
                raise DownloadError(f"{url}: connection closed after {size:,} of {declared:,} bytes")
            if sha256 is not None and digest.hexdigest() != sha256.lower():
                raise DownloadError(f"{url}: checksum mismatch (sha256 {digest.hexdigest()}, expected {sha256}); "
                                    "the download was not kept")
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: {exc.reason}") from None
    except TimeoutError:
        raise DownloadError(f"{url}: timed out after {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"{url}: connection failed ({type(exc).__name__}: {exc})") from None
    return Path(dest)
