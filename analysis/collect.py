"""Network access. The only module that opens connections.

For now it downloads dataset archives for :mod:`analysis.datasets`; web,
feed and URL-list collection builds on the same ``fetch`` rules (only
http/https, a descriptive user agent, timeouts, a size cap, streamed to an
atomic temporary file).
"""

from __future__ import annotations

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
            declared = response.headers.get("Content-Length")
            if declared and int(declared) > max_bytes:
                raise DownloadError(f"{url}: {int(declared):,} bytes exceeds the limit of {max_bytes:,}")
            size = 0
            with open(tmp, "wb") as out:
                while block := response.read(CHUNK):
                    size += len(block)
                    if size > max_bytes:
                        raise DownloadError(f"{url}: more than {max_bytes:,} bytes; stopped")
                    out.write(block)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: {exc.reason}") from None
    except TimeoutError:
        raise DownloadError(f"{url}: timed out after {timeout:g} s") from None
    return Path(dest)
