"""Network access. The only module that opens connections.

For now it downloads dataset archives for :mod:`analysis.datasets`; web,
feed and URL-list collection builds on the same ``fetch`` rules (only
http/https, a descriptive user agent, timeouts, a size cap, streamed to an
atomic temporary file).
"""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from analysis import __version__
from analysis.errors import DownloadError
from analysis.io import atomic_path

USER_AGENT = f"media-framing-analysis/{__version__} (research toolkit; +https://pypi.org/project/analysis/)"
CHUNK = 1 << 16


def download_file(url: str, dest: Path, *, timeout: float = 60.0, max_bytes: int = 2 << 30) -> Path:
    """Stream ``url`` into ``dest`` atomically; raise :class:`DownloadError` on any failure."""
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
            size = 0
            with open(tmp, "wb") as out:
                while block := response.read(CHUNK):
                    size += len(block)
                    if size > max_bytes:
                        raise DownloadError(f"{url}: more than {max_bytes:,} bytes; stopped")
                    out.write(block)
            # http.client returns b"" at an early close instead of raising, so a
            # cut-off body would otherwise be saved as if complete.
            if declared is not None and size != declared:
                raise DownloadError(f"{url}: connection closed after {size:,} of {declared:,} bytes")
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: {exc.reason}") from None
    except TimeoutError:
        raise DownloadError(f"{url}: timed out after {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise DownloadError(f"{url}: connection failed ({type(exc).__name__}: {exc})") from None
    return Path(dest)
