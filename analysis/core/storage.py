"""Reading and writing files: atomic, deterministic, and the only place that does.

Every write goes to a temporary file in the target folder and is moved into
place with :func:`os.replace`, so a crash leaves either the old file or the
new one, never half of one. Writers produce the same bytes for the same
table, which is what lets a re-run leave ``data/processed`` and ``reports/``
untouched.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq

from analysis.core.errors import AnalysisError, BusyError, StageInputError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: cache entries are computed without a lock
    fcntl = None

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it into place on success."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        # mkstemp creates 0600 files; give outputs the usual umask-derived mode.
        os.chmod(tmp_path, 0o666 & ~_UMASK)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_folder(path: Path) -> Iterator[Path]:
    """Yield a temporary folder next to ``path``; rename it to ``path`` on success.

    If ``path`` appeared meanwhile (another process filled the same entry), that one is kept and the
    temporary folder is dropped: callers use this for content-addressed entries, where both are equal.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_UMASK)  # mkdtemp makes it 0700; entries are read like any other output
        try:
            os.rename(staging, path)
        except OSError as exc:
            if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY) or not path.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) while the block runs.

    Two processes that would compute the same cache entry take turns: the second waits, then finds
    the entry the first wrote. Where the platform has no ``fcntl`` (Windows) the block runs unlocked,
    which only costs the duplicate work the lock saves.
    """
    if fcntl is None:  # pragma: no cover - not on the platforms CI runs
        yield
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def single_writer(path: Path, *, what: str, holder: str) -> Iterator[None]:
    """Hold the lock file ``path`` while the block runs, or raise :class:`BusyError` at once if another
    process holds it, naming ``what`` is busy and the holder's own line (its ``holder`` text).

    Unlike :func:`exclusive` the second process does not wait: a run that would start after an hour's
    collection is better told now. The lock is the kernel's (``flock``), so a killed holder leaves no
    stale lock; the file keeps only the holder's line. Hand-written next to :func:`exclusive` rather
    than with ``filelock``, which the toolkit does not otherwise need. Without ``fcntl`` (Windows) the
    block runs unlocked.
    """
    if fcntl is None:  # pragma: no cover - not on the platforms CI runs
        yield
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "another process"
            raise BusyError(f"{what} is in use by {other}; wait for it to finish, or stop that process, "
                            f"then run again (lock: {path})") from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(holder + "\n")
            handle.flush()
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def read_bytes(path: Path) -> bytes:
    return Path(path).read_bytes()


def read_text(path: Path, *, encoding: str = "utf-8") -> str:
    return Path(path).read_text(encoding=encoding)


def open_log(path: Path):
    """A text file opened for writing, for another process's log lines (a kernel's stderr)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "w", encoding="utf-8")  # noqa: SIM115 - the caller closes it (a with block)


def is_empty_file(path: Path) -> bool:
    return Path(path).exists() and Path(path).stat().st_size == 0


def write_object(obj: Any, path: Path) -> None:
    """Pickle ``obj`` (atomic). Only for the toolkit's own cache: unpickling runs code, so only trusted files."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


def read_object(path: Path) -> Any:
    with open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - the toolkit's own cache (see write_object)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write only when the bytes differ, so unchanged files keep their mtime."""
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    write_bytes(path, data)
    return True


def write_table(df: pd.DataFrame, path: Path, *, row_group_size: int | None = None) -> bool:
    """Write a pipeline table as Parquet (no index, deterministic bytes).

    ``row_group_size`` rows per row group makes each row group a partition later stages can read alone.
    Returns False, leaving the file untouched, when the bytes are unchanged.
    """
    buffer = BytesIO()
    df.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd",
                  **({"row_group_size": row_group_size} if row_group_size else {}))
    return write_if_changed(path, buffer.getvalue())


class PartitionWriter:
    """Write a table one partition (row group) at a time, so memory holds one partition, not the table.

    A context manager: the file appears atomically on success (an unchanged file is left untouched, as
    with :func:`write_table`) and never half-written on failure. ``empty`` is written when no partition
    has rows. A partition whose nullable column is all missing gets the first partition's column type.
    """

    def __init__(self, path: Path, *, empty: pd.DataFrame):
        self.path = Path(path)
        self.empty = empty
        self.rows = 0
        self._writer = None

    def __enter__(self) -> PartitionWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        return self

    def write(self, df: pd.DataFrame) -> None:

        if df.empty:
            return
        table = pa.Table.from_pandas(df, preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, table.schema, compression="zstd")
        else:
            table = table.cast(self._writer.schema)
        self._writer.write_table(table, row_group_size=len(df))
        self.rows += len(df)

    def __exit__(self, kind, value, tb) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
            if kind is not None:
                return
            if self._writer is None:
                write_table(self.empty, self.path)
                return
            with open(self._tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            if self.path.exists() and sha256_file(self.path) == sha256_file(self._tmp):
                return
            os.chmod(self._tmp, 0o666 & ~_UMASK)
            os.replace(self._tmp, self.path)
        finally:
            self._tmp.unlink(missing_ok=True)


def row_groups(path: Path) -> int:

    return pq.ParquetFile(path).num_row_groups


def table_rows(path: Path) -> int:
    """Rows of a Parquet table, from its footer (no column is read)."""
    return pq.ParquetFile(path).metadata.num_rows


def read_row_group(path: Path, index: int, *, columns: list[str] | None = None) -> pd.DataFrame:
    """One partition of a table written by :class:`PartitionWriter` (or one row group of any table)."""

    return pq.ParquetFile(path).read_row_group(index, columns=columns).to_pandas()


def read_user_file(path: Path, *, what: str, error: type[AnalysisError] = AnalysisError) -> tuple[bytes, str]:
    """The bytes and the UTF-8 text (a leading BOM dropped) of a file the user supplied.

    ``what`` names the kind of file in messages ("codebook", "lexicon"). Every
    failure raises ``error`` with one line naming the file: ``PATH: no such
    WHAT file``, ``PATH: cannot read WHAT: REASON`` or ``PATH:LINE: not UTF-8
    (byte offset N)``. The bytes are returned too, for a digest of the file.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: no such {what} file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise error(f"{path}:{line}: not UTF-8 (byte offset {exc.start})") from None
    return data, text


def read_table(path: Path, *, columns: list[str] | None = None, hint: str = "") -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise StageInputError(f"missing table {path}" + (f"; {hint}" if hint else ""))
    return pd.read_parquet(path, columns=columns, engine="pyarrow")


def read_json_lines(path: Path, fields: list[str], *, block_size: int = 1 << 24) -> pa.Table:
    """The string ``fields`` of a JSON-lines file (gzip when named ``.gz``) as an Arrow table, other keys ignored.

    pyarrow's reader parses in C++ threads: all 37,554 AllSides records in about 1 s against 3 s with
    ``json.loads`` per line and a DataFrame built from Python lists (measured). Raises ``pyarrow.ArrowInvalid`` on
    a line that is not JSON, a value that is not a string, or a record longer than ``block_size``."""
    options = pajson.ParseOptions(explicit_schema=pa.schema([(f, pa.string()) for f in fields]),
                                  unexpected_field_behavior="ignore")
    compression = "gzip" if str(path).endswith(".gz") else None
    with pa.input_stream(str(path), compression=compression) as stream:
        return pajson.read_json(stream, read_options=pajson.ReadOptions(block_size=block_size),
                                parse_options=options)


def read_csv(path: Path, **options: Any) -> pd.DataFrame:
    """A CSV the toolkit ships or a user hands it (options as for :func:`pandas.read_csv`)."""
    return pd.read_csv(path, **options)


def write_csv(df: pd.DataFrame, path: Path) -> bool:
    """CSV for readers of the report: fixed float format and line endings. Returns False, leaving the file
    untouched, when the bytes are unchanged.

    pandas writes a file a chunk of rows at a time, where to a string it held the whole CSV and then its bytes
    (a million-row table's export was the largest part of the report stage's memory); the new file is compared
    with the old one block by block before it replaces it.
    """
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            df.to_csv(tmp, index=False, lineterminator="\n", float_format="%.6g", encoding="utf-8")
            if path.exists() and same_bytes(tmp, path):
                raise _Unchanged  # the temporary file is removed, the old one left as it was
    except _Unchanged:
        return False
    return True


class _Unchanged(Exception):
    """Leaves :func:`atomic_path` without moving its file into place."""


def same_bytes(a: Path, b: Path, *, chunk: int = 1 << 20) -> bool:
    """Whether two files hold the same bytes, read a block at a time."""
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            block = fa.read(chunk)
            if block != fb.read(chunk):
                return False
            if not block:
                return True


def sha256_file(path: Path, *, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def digests(root: Path, files: list[Path]) -> dict[str, str]:
    """``{path relative to root: SHA-256}`` of the files that exist: what a run record keeps of its outputs."""
    return {str(Path(p).relative_to(root)): sha256_file(p) for p in files if Path(p).exists()}


def mtime(path: Path) -> float:
    """When ``path`` was last written (POSIX time)."""
    return Path(path).stat().st_mtime


def unchanged(root: Path, recorded: dict[str, str]) -> bool:
    """Whether every file of a :func:`digests` record is still there with the same content."""
    return all((Path(root) / rel).exists() and sha256_file(Path(root) / rel) == digest
               for rel, digest in recorded.items())


def stat_signatures(paths: list[Path]) -> dict[str, list[int] | None]:
    """``{path: [size, mtime in ns]}`` (None where missing): a cheap check that files are as they were left."""
    out = {}
    for path in paths:
        try:
            st = os.stat(path)
            out[str(path)] = [st.st_size, st.st_mtime_ns]
        except OSError:
            out[str(path)] = None
    return out


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_files(folder: Path, pattern: str = "*") -> list[Path]:
    """Files under ``folder`` matching ``pattern``, sorted, hidden temp files excluded."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith("."))


def find_staging(path: Path) -> list[Path]:
    """The temporary folders :func:`atomic_folder` made for ``path`` and left when a process died before renaming."""
    path = Path(path)
    return sorted(p for p in path.parent.glob(f".{path.name}.*.tmp") if p.is_dir()) if path.parent.is_dir() else []


def find_files(folder: Path, name: str) -> list[Path]:
    """Files called ``name`` anywhere under ``folder``, sorted."""
    folder = Path(folder)
    return sorted(p for p in folder.rglob(name) if p.is_file()) if folder.is_dir() else []


def copy_into(src: Path, dest: Path) -> None:
    """Copy a file atomically (never leaves a partial ``dest``)."""
    with atomic_path(dest) as tmp, open(src, "rb") as fin, open(tmp, "wb") as fout:
        while block := fin.read(1 << 20):
            fout.write(block)


def copy_tree(src: Path, dest: Path) -> None:
    """Copy every file under ``src`` to the same place under ``dest`` (a snapshot of a report)."""
    for path in sorted(p for p in Path(src).rglob("*") if p.is_file()):
        target = Path(dest) / path.relative_to(src)
        ensure_dir(target.parent)
        copy_into(path, target)


def ensure_dir(path: Path) -> Path:
    Path(path).mkdir(parents=True, exist_ok=True)
    return Path(path)


def remove_file(path: Path) -> None:
    Path(path).unlink(missing_ok=True)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable (POSIX; NTFS journals renames)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_line(path: Path, line: str) -> None:
    """Append one line with a single write and fsync, so a returned call survives a crash.

    A kill mid-call leaves either nothing or a prefix without its newline,
    which :func:`read_committed_lines` ignores and :func:`cut_partial_line`
    removes before the next append.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    with open(path, "ab") as fh:
        fh.write(line.encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    if created:
        fsync_dir(path.parent)


def read_committed_lines(path: Path) -> list[str]:
    """Lines of an append-only file, without an unterminated last line.

    Split on "\\n" only: JSON written with ensure_ascii=False may hold raw
    U+2028 or U+0085 inside strings, which ``str.splitlines`` would break.
    """
    path = Path(path)
    if not path.exists():
        return []
    data = path.read_bytes()
    committed = data[: data.rfind(b"\n") + 1].decode("utf-8", errors="replace")
    return committed.split("\n")[:-1] if committed else []


def cut_partial_line(path: Path) -> None:
    """Truncate an append-only file after its last complete line."""
    path = Path(path)
    if path.exists():
        data = path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(path, "rb+") as fh:
                fh.truncate(data.rfind(b"\n") + 1)
                os.fsync(fh.fileno())


def remove_temp_files(folder: Path) -> None:
    """Delete the hidden temporaries :func:`atomic_path` leaves when a process dies mid-write."""
    folder = Path(folder)
    if folder.is_dir():
        for tmp in folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)


def package_text(package: str, name: str) -> str:
    """A data file shipped inside an installed package (e.g. VADER's lexicon), decoded as UTF-8."""
    return (resources.files(package) / name).read_bytes().decode("utf-8")
