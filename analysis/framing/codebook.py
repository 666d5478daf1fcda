"""Frame codebooks: TOML files a user can write, read into frozen dataclasses.

A codebook names its frames and, for each, the cues a dictionary matcher
(:class:`analysis.framing.dictionary.FrameMatcher`) looks for::

    [codebook]
    name = "entity_list"            # the value of the `codebook` column in every frame table
    description = "..."
    citation = "..."                # optional
    rebuttal_cues = ["smear campaign against"]   # optional, added to REBUTTAL_BEFORE

    [[frames]]
    id = "human_rights"             # snake_case, unique
    label = "Human rights"
    definition = "..."
    indicators = ["human rights", "repress*", "forced labor"]
    patterns = ["(?:internment|detention) camps?"]
    negation_window = 3             # optional, tokens; 0 switches negation off
    excludes = ["other_frame_id"]   # optional
    examples = ["A short sentence the frame must match."]   # optional

Indicators match whole words in any case; a ``*`` ends a word as a prefix
wildcard (``accus*``: accuse, accused, accusation); the spaces of a phrase
match any run of whitespace or a hyphen ("trade war" finds "trade-war"); an
indicator never matches the second half of a hyphenated word ("tracking" is
not found in "fast-tracking"), and a straight apostrophe also matches a curly one.
Patterns are regular expressions matched in any case. A cue preceded within
``negation_window`` tokens of its sentence by a negator (:data:`NEGATORS`,
or any word ending in "n't") does not count, and a frame's sentence hit is
cancelled when a frame it ``excludes`` matches the same sentence.

A cue used to reject its frame is a *rebuttal*, recorded apart and not counted
as using the frame: one of :data:`REBUTTAL_BEFORE` (or the codebook's
``rebuttal_cues``) within ``REBUTTAL_WINDOW`` tokens before it ("the so-called
human rights problem", "under the pretext of security", "denies mistreatment"),
or one of :data:`REBUTTAL_AFTER` within that window after it ("claims of
forced labour are groundless").

tomllib keeps no positions, so every problem is located by searching the raw
text for the offending key or value inside its table, and raised as
:class:`CodebookError` with ``file:line``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from analysis.core import config, storage
from analysis.core.errors import AnalysisError

# The generic_news_frames codebook's frames -> the Narrative Frames label each is checked against
# (validation) and compared with the supervised classifier's (instrument agreement).
CODEBOOK_TO_NARRATIVE = {"conflict": "conflict", "human_interest": "human_interest",
                         "economic_consequences": "economic", "morality": "moral"}

#: Words that negate a cue that follows them within the frame's window. Any token ending in "n't"
#: ("didn't", "won’t") counts too; "cannot" is "not" spelled as one word.
NEGATORS = frozenset({"not", "no", "never", "without", "nor", "cannot"})

#: Phrases that mark a cue shortly after them as rejected by its speaker. Denials were negators before
#: rebuttals existed: "China denies mistreatment" is Beijing rejecting the human-rights frame, which a
#: study wants to see, not a cue to drop. "Alleged" is left out: outlets use it to stay neutral.
REBUTTAL_BEFORE = ("so-called", "so called", "under the pretext of", "on the pretext of", "under the guise of",
                   "under the pretense of", "under the pretence of", "under the excuse of", "under the banner of",
                   "in the name of", "deny", "denies", "denied", "denying", "reject", "rejects", "rejected",
                   "rejecting", "refute", "refutes", "refuted", "false", "groundless", "baseless", "unfounded",
                   "fabricated", "trumped-up", "bogus")
#: Words that, shortly after a cue, dismiss it ("... are groundless", "uses human rights as a pretext").
REBUTTAL_AFTER = ("groundless", "baseless", "unfounded", "false", "fabricated", "fabrication", "fabrications",
                  "lies", "nonsense", "pretext", "excuse", "smear", "smears", "slander")
REBUTTAL_WINDOW = 6

_ID = re.compile(r"[a-z][a-z0-9_]*\Z")
_HEADER = re.compile(r"\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*(?:#.*)?\Z")
_ASSIGN = re.compile(r"""\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""")
_REQUIRED = object()
_KINDS = {str: "a string", int: "a whole number", list: "a list", dict: "a table"}


class CodebookError(AnalysisError):
    """A codebook file that cannot be read, parsed or validated; the message names ``file:line``."""


@dataclass(frozen=True)
class Frame:
    id: str
    label: str
    definition: str
    indicators: tuple[str, ...]
    patterns: tuple[str, ...]
    negation_window: int = 3
    excludes: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    name: str
    description: str
    citation: str
    frames: tuple[Frame, ...]
    path: str
    sha256: str
    rebuttal_cues: tuple[str, ...] = ()

    @property
    def frame_ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.frames)


def shipped_codebooks() -> list[str]:
    """Names of the codebooks that ship with the toolkit (``data/codebooks/*.toml``)."""
    return sorted(p.stem for p in config.SHIPPED_CODEBOOKS.glob("*.toml"))


def codebook_path(name_or_path: str | Path) -> Path:
    """A bare name is a shipped codebook; anything with a folder or a ``.toml`` suffix is a path."""
    text = str(name_or_path)
    if "/" not in text and "\\" not in text and not text.endswith(".toml"):
        return config.SHIPPED_CODEBOOKS / f"{text}.toml"
    return Path(name_or_path)


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; every problem raises :class:`CodebookError` naming ``path:line``."""
    path = Path(path)
    data, text = storage.read_user_file(path, what="codebook", error=CodebookError)
    return parse_codebook(text, path=path, sha256=hashlib.sha256(data).hexdigest())


def parse_codebook(text: str, *, path: str | Path, sha256: str = "") -> Codebook:
    """Parse a codebook's text; ``path`` only names the file in error messages."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", str(exc))
        line = where.group(1) if where and where.group(1) else max(len(text.splitlines()), 1)
        message = str(exc).replace(where.group(0), "").strip() if where else str(exc)
        raise CodebookError(f"{path}:{line}: not valid TOML ({message})") from None
    src = _Source(str(path), text)
    top = _Reader(src, "top", "top level", doc)
    head = _Reader(src, ("codebook", 0), "[codebook]", top.get("codebook", dict))
    name, description = head.get("name", str), head.get("description", str)
    citation = head.get("citation", str, "")
    rebuttal_cues = tuple(" ".join(c.lower().split()) for c in head.strings("rebuttal_cues"))
    if any(not c for c in rebuttal_cues):
        head.fail("key 'rebuttal_cues' holds an empty phrase", key="rebuttal_cues")
    head.finish(["name", "description", "citation", "rebuttal_cues"])
    frame_tables = top.get("frames", list)
    top.finish(["codebook", "frames"])
    if not frame_tables:
        top.fail("a codebook needs at least one [[frames]] table", key="frames")
    frames, readers, seen = [], [], {}
    for i, table in enumerate(frame_tables):
        r = _Reader(src, ("frames", i), f"[[frames]] #{i + 1}", table)
        frame = _parse_frame(r)
        if frame.id in seen:
            r.fail(f"frame id {frame.id!r} is already used by [[frames]] #{seen[frame.id] + 1}", key="id")
        seen[frame.id] = i
        frames.append(frame)
        readers.append(r)
    for frame, r in zip(frames, readers):
        for ref in frame.excludes:
            if ref == frame.id:
                r.fail(f"key 'excludes': a frame cannot exclude itself ({ref!r})", key="excludes", value=ref)
            if ref not in seen:
                r.fail(f"key 'excludes' names {ref!r}, which is not a frame of this codebook; "
                       f"frames: {', '.join(seen)}", key="excludes", value=ref)
    return Codebook(name, description, citation, tuple(frames), str(path), sha256, rebuttal_cues)


def _parse_frame(r: _Reader) -> Frame:
    frame_id = r.get("id", str)
    if not _ID.match(frame_id):
        r.fail(f"key 'id' is {frame_id!r}; use snake_case (lower-case letters, digits, '_')", key="id")
    r.where = f"frame {frame_id!r}"
    label, definition = r.get("label", str), r.get("definition", str)
    indicators = tuple(dict.fromkeys(_indicator(r, raw) for raw in r.strings("indicators")))
    patterns = r.strings("patterns")
    for p in patterns:
        try:
            re.compile(p, re.IGNORECASE)
        except re.error as exc:
            r.fail(f"pattern {p!r} is not a valid regular expression ({exc})", key="patterns", value=p)
    window = r.get("negation_window", int, 3)
    if window < 0:
        r.fail(f"key 'negation_window' is {window!r}; use a whole number of tokens >= 0", key="negation_window")
    frame = Frame(frame_id, label, definition, indicators, patterns, window, r.strings("excludes"),
                  r.strings("examples"))
    r.finish(["id", "label", "definition", "indicators", "patterns", "negation_window", "excludes", "examples"])
    if not indicators and not patterns:
        r.fail("a frame needs at least one entry in 'indicators' or 'patterns'",
               key="indicators" if "indicators" in r.table else "patterns")
    return frame


def _indicator(r: _Reader, raw: str) -> str:
    words = raw.lower().split()
    if not words or any(w == "*" or "*" in w[:-1] for w in words):
        r.fail(f"indicator {raw!r} is empty or has a '*' that does not end a word", key="indicators", value=raw)
    return " ".join(words)


class _Source:
    """The raw text, split into the lines of each table so a key or value can be found again."""

    def __init__(self, path: str, text: str):
        self.path, self.lines = path, text.splitlines()
        self.blocks: dict[Any, tuple[int, int]] = {}
        starts = [(n, m.group(1)) for n, line in enumerate(self.lines) if (m := _HEADER.match(line))]
        self.blocks["top"] = (0, starts[0][0] if starts else len(self.lines))
        counts: dict[str, int] = {}
        for k, (n, name) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(self.lines)
            self.blocks[(name, counts.get(name, 0))] = (n, end)
            counts[name] = counts.get(name, 0) + 1

    def line(self, block: Any, key: str | None, value: str | None) -> int:
        """1-based line of ``value`` under ``key`` in ``block``, else of the key, else of the table header."""
        start, end = self.blocks.get(block, (0, len(self.lines)))
        keys = [(n, next(g for g in m.groups() if g)) for n in range(start, end)
                if (m := _ASSIGN.match(self.lines[n]))]
        if block == "top":
            # A top-level key can also be written as a table header ("[extra]").
            keys += [(n, b[0].split(".")[0]) for b, (n, _end) in self.blocks.items() if isinstance(b, tuple)]
        at = [(n, k) for n, k in keys if k == key]
        if not at:
            return start + 1
        n = at[0][0]
        if value is not None:
            after = [m for m, _ in keys if m > n]
            quoted = (f'"{json.dumps(value, ensure_ascii=False)[1:-1]}"', f"'{value}'")
            for m in range(n, after[0] if after else end):
                if any(q in self.lines[m] for q in quoted):
                    return m + 1
        return n + 1


class _Reader:
    """Typed access to one TOML table; every failure names the file, line and table."""

    def __init__(self, src: _Source, block: Any, where: str, table: Any):
        self.src, self.block, self.where = src, block, where
        if not isinstance(table, dict):
            self.fail(f"expected a table, got {type(table).__name__}")
        self.table = table

    def fail(self, message: str, *, key: str | None = None, value: str | None = None) -> NoReturn:
        line = self.src.line(self.block, key, value)
        raise CodebookError(f"{self.src.path}:{line}: {self.where}: {message}")

    def get(self, key: str, kind: type, default: Any = _REQUIRED) -> Any:
        if key not in self.table:
            if default is _REQUIRED:
                self.fail(f"missing required key {key!r}")
            return default
        value = self.table[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.fail(f"key {key!r} must be {_KINDS[kind]}, got {type(value).__name__}", key=key)
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.get(key, list, [])
        if not all(isinstance(v, str) for v in values):
            self.fail(f"key {key!r} must be a list of strings", key=key)
        return tuple(values)

    def finish(self, allowed: list[str]) -> None:
        for key in self.table:
            if key not in allowed:
                self.fail(f"unknown key {key!r}; allowed keys: {', '.join(allowed)}", key=key)
