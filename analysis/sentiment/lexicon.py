"""User-supplied dictionary (lexicon) instruments: LIWC ``.dic``, CSV/TSV and YAML word lists.

``load_lexicon`` turns a file into a tidy ``entries`` table; ``DictionaryScorer``
follows the estimator contract of :class:`analysis.sentiment.scoring.VaderScorer`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from analysis.core import storage
from analysis.core.errors import AnalysisError
from analysis.text.texts import as_texts, tokenize

Format = Literal["dic", "csv", "tsv", "yaml"]
SUFFIXES: dict[str, Format] = {".dic": "dic", ".csv": "csv", ".tsv": "tsv", ".yaml": "yaml", ".yml": "yaml"}
CACHE_LIMIT = 500_000  # distinct tokens memoised per scorer; a news vocabulary stays well below


class LexiconError(AnalysisError):
    """A lexicon file that cannot be read or parsed, or scorer settings that do not fit it."""


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value to compare
class Lexicon:
    name: str
    source: str
    sha256: str
    categories: tuple[str, ...]
    entries: pd.DataFrame  # term, is_prefix, category, weight; one row per (term, category)


def load_lexicon(path: str | Path, *, format: Format | None = None) -> Lexicon:
    """Read a lexicon; every problem raises :class:`LexiconError` naming ``path:line``."""
    path = Path(path)
    fmt = format or SUFFIXES.get(path.suffix.lower())
    if fmt not in ("dic", "csv", "tsv", "yaml"):
        raise LexiconError(f"{path}: format {fmt or path.suffix!r} is not one of dic, csv, tsv, yaml")
    data, text = storage.read_user_file(path, what="lexicon", error=LexiconError)
    parse = {"dic": _parse_dic, "yaml": _parse_yaml}.get(fmt, _parse_table)
    categories, raw = parse(path, text, "\t" if fmt == "tsv" else ",")
    rows, seen = [], {}
    for line, term, category, weight in raw:
        clean = " ".join(term.lower().split())
        is_prefix = clean.endswith("*")
        clean = clean[:-1].rstrip() if is_prefix else clean
        if not clean or "*" in clean:
            raise LexiconError(f"{path}:{line}: term {term!r} is empty or has a '*' that is not its last character")
        if not math.isfinite(weight):
            raise LexiconError(f"{path}:{line}: weight of {term!r} is {weight}, not a finite number")
        key = (clean, is_prefix, category)
        if key in seen:  # real dictionaries repeat lines; only a conflicting repeat is an error
            if seen[key][0] != weight:
                raise LexiconError(f"{path}:{line}: {term!r} is already in {category!r} with weight "
                                   f"{seen[key][0]} (line {seen[key][1]})")
            continue
        seen[key] = (weight, line)
        rows.append((clean, is_prefix, category, weight))
    if not rows:
        raise LexiconError(f"{path}:{max(len(text.splitlines()), 1)}: lexicon has no entries")
    entries = pd.DataFrame(rows, columns=["term", "is_prefix", "category", "weight"])
    return Lexicon(path.stem, str(path), hashlib.sha256(data).hexdigest(), tuple(categories),
                   entries.astype({"is_prefix": bool, "weight": float}))


def _parse_dic(path: Path, text: str, _sep: str):
    lines = [s.strip() for s in text.splitlines()]  # real files pad with tabs and spaces ("%\t\t")
    opened = next((i for i, s in enumerate(lines) if s), 0)
    if lines[opened:opened + 1] != ["%"]:
        raise LexiconError(f"{path}:{opened + 1}: a .dic file starts with a '%' line opening the category header")
    if "%" not in lines[opened + 1:]:
        raise LexiconError(f"{path}:{opened + 1}: the category header opened here is never closed by a '%' line")
    closed, ids = lines.index("%", opened + 1), {}
    for n, line in enumerate(lines[opened + 1:closed], start=opened + 2):
        cid, name = (line.split(None, 1) + [""])[:2]
        if line and (not name or _cid(cid) in ids or name.strip() in ids.values()):
            raise LexiconError(f"{path}:{n}: header lines are '<id> <category>', each id and name once; got {line!r}")
        if line:
            ids[_cid(cid)] = name.strip()
    raw = []
    for n, line in enumerate(lines[closed + 1:], start=closed + 2):
        # Terms may contain spaces ("kind of"): a tab ends the term when there is one,
        # otherwise the term is whatever precedes the trailing run of numeric ids.
        m = re.fullmatch(r"([^\t]*)\t(.*)", line) or re.fullmatch(r"(.+?)((?:\s+\d+)+)", line)
        if line and not (m and m.group(2).split()):
            raise LexiconError(f"{path}:{n}: expected 'term<TAB>category id ...', got {line!r}")
        for cid in m.group(2).split() if line else ():
            if _cid(cid) not in ids:
                raise LexiconError(f"{path}:{n}: category id {cid!r} is not defined in the header")
            raw.append((n, m.group(1), ids[_cid(cid)], 1.0))
    return list(ids.values()), raw


def _cid(raw: str) -> str:
    return (raw.lstrip("0") or "0") if raw.isdigit() else raw  # the header's "01" is an entry's "1"


def _parse_table(path: Path, text: str, sep: str):
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    header = [h.strip() for h in next(reader, [])]
    lower = [h.lower() for h in header]
    long = lower[:2] == ["term", "category"] and lower[2:] in ([], ["weight"])
    if not long and (len(header) < 2 or lower[0] not in ("term", "word") or len(set(lower)) < len(lower)
                     or "category" in lower):
        raise LexiconError(f"{path}:1: header must be 'term,category[,weight]' or word|term then one column "
                           "per category")
    categories, raw = ([] if long else header[1:]), []
    for row in reader:
        n = reader.line_num
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise LexiconError(f"{path}:{n}: expected {len(header)} fields, got {len(row)}")
        cells = [(row[1].strip(), (row + ["1"])[2])] if long else zip(header[1:], row[1:])
        for category, cell in cells:
            if not cell.strip() and not long:
                continue  # wide format: an empty cell is no entry
            try:
                weight = float(cell) if cell.strip() else 1.0
            except ValueError:
                raise LexiconError(f"{path}:{n}: weight {cell.strip()!r} of {row[0]!r} is not a number") from None
            if not category:
                raise LexiconError(f"{path}:{n}: empty category for {row[0]!r}")
            categories += [category] if category not in categories else []
            raw.append((n, row[0], category, weight))
    return categories, raw


def _parse_yaml(path: Path, text: str, _sep: str):
    # compose, not safe_load: nodes keep line numbers for every error, and terms
    # such as "no" or "on" stay strings instead of becoming booleans. Imported here:
    # PyYAML is only needed for YAML lexicons.

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark, problem = getattr(exc, "problem_mark", None), getattr(exc, "problem", None)
        raise LexiconError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: {problem or exc}") from None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise LexiconError(f"{path}:{root.start_mark.line + 1}: top level must be a mapping category -> terms")
    categories, raw = [], []
    for key, value in root.value if root is not None else ():
        line, category = key.start_mark.line + 1, key.value
        if not isinstance(key, yaml.ScalarNode) or not category or category in categories:
            raise LexiconError(f"{path}:{line}: category names must be distinct, non-empty strings")
        categories.append(category)
        if not isinstance(value, (yaml.SequenceNode, yaml.MappingNode)):
            raise LexiconError(f"{path}:{line}: category {category!r} must be a list of terms or term: weight")
        for item in value.value:
            term, weight = item if isinstance(value, yaml.MappingNode) else (item, None)
            n = term.start_mark.line + 1
            if not isinstance(term, yaml.ScalarNode) or not isinstance(weight, (yaml.ScalarNode, type(None))):
                raise LexiconError(f"{path}:{n}: category {category!r}: terms and weights must be plain scalars")
            try:
                raw.append((n, term.value, category, 1.0 if weight is None else float(weight.value)))
            except ValueError:
                raise LexiconError(f"{path}:{n}: weight {weight.value!r} of {term.value!r} is not a number") from None
    return categories, raw


class DictionaryScorer(TransformerMixin, BaseEstimator):
    """Columns: ``score`` = (P - N) / (P + N) (0.0 without hits, NaN when no role is set),
    then per category the summed weight of matches / number of tokens. P sums matched
    weights of ``positive`` categories (shell patterns) and positive ``signed`` weights;
    N those of ``negative`` categories and absolute negative ``signed`` weights.
    """

    kind = "dictionary"

    def __init__(self, *, path: str, name: str | None = None, positive: tuple[str, ...] = (),
                 negative: tuple[str, ...] = (), signed: str | None = None, format: Format | None = None):
        self.path, self.name, self.format = path, name, format
        self.positive, self.negative, self.signed = positive, negative, signed

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def fit(self, X=None, y=None) -> DictionaryScorer:
        lex = load_lexicon(self.path, format=self.format)
        cats, e = lex.categories, lex.entries
        pos, neg = _categories(lex, "positive", self.positive), _categories(lex, "negative", self.negative)
        if self.signed is not None and self.signed not in cats:
            raise LexiconError(f"{lex.source}: signed={self.signed!r} is not a category; categories: {', '.join(cats)}")
        roles = pos + neg + [self.signed] * (self.signed is not None)
        if len(set(roles)) < len(roles):
            raise LexiconError(f"{lex.source}: categories {sorted({c for c in roles if roles.count(c) > 1})} are in "
                               "more than one of positive, negative, signed")
        if len(bad := e[e["category"].isin(pos + neg) & (e["weight"] < 0)]):
            raise LexiconError(f"{lex.source}: {bad['category'].iloc[0]!r} has negative weights (e.g. "
                               f"{bad['term'].iloc[0]!r}); name it as signed= instead")
        index = {c: i for i, c in enumerate(cats)}
        self.lexicon_, self.categories_, self.n_terms_ = lex, cats, int(e["term"].nunique())
        self.name_ = self.name or lex.name
        self.version_ = f"{self.name_} {lex.sha256[:12]}"
        self.positive_, self.negative_ = [index[c] for c in pos], [index[c] for c in neg]
        self._compile(e, index)
        return self

    def _compile(self, entries: pd.DataFrame, index: dict[str, int]) -> None:
        # One-token terms: an exact dict plus prefixes grouped by length, so a new token
        # costs a few dict probes and is then memoised. Phrases: by first token, longest first.
        signed = index.get(self.signed)
        self._exact, self._prefix, self._phrases, self._cache, skipped = {}, {}, {}, {}, []
        for term, is_prefix, category, w in entries.itertuples(index=False):
            c = index[category]
            # A signed weight also feeds P or N; the key shares the category's once-per-token rule.
            hit = (c, w, (-1 if w > 0 else -2) if c == signed and w else None)
            words = tokenize(term)
            if is_prefix and words and not re.search(r"\w$", term):
                words.append("")  # "fair-*": the wildcard is the whole next token ("fair-minded")
            if not words:
                skipped.append(term)
            elif len(words) > 1:
                self._phrases.setdefault(words[0], []).append((tuple(words[1:]), is_prefix, (hit,)))
            else:
                (self._prefix if is_prefix else self._exact).setdefault(words[0], []).append(hit)
        for items in self._phrases.values():
            items.sort(key=lambda t: (-len(t[0]), t[1]))
        self._prefix_lengths = sorted({len(k) for k in self._prefix}, reverse=True)
        self.skipped_terms_ = tuple(skipped)  # no word characters (":)"): can never match a token

    def _single(self, tok: str) -> tuple:
        # Per category, an exact term beats a prefix and a longer prefix beats a shorter one.
        hits = {h[0]: h for h in self._exact.get(tok, ())}
        for k in self._prefix_lengths:
            for h in self._prefix.get(tok[:k], ()):
                hits.setdefault(h[0], h)
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        self._cache[tok] = out = tuple(hits.values())
        return out

    def transform(self, X) -> np.ndarray:
        check_is_fitted(self, "lexicon_")
        texts = as_texts(X).tolist()  # None/NaN: empty
        cache, phrases = self._cache, self._phrases
        size = len(texts)
        raw, signed, n_tokens = np.zeros((size, len(self.categories_))), np.zeros((size, 2)), np.zeros(size)
        for r, text in enumerate(texts):
            tokens = tokenize(text)
            n_tokens[r] = len(tokens)
            counts, until = {}, {}
            for i, tok in enumerate(tokens):
                for rest, is_prefix, hits in phrases.get(tok, ()):
                    end = i + 1 + len(rest)
                    if end <= len(tokens) and _phrase_at(tokens, i + 1, rest, is_prefix):
                        _credit(counts, until, hits, i, end)
                hits = cache.get(tok)
                if hits is None:
                    hits = self._single(tok)
                if hits:
                    _credit(counts, until, hits, i, i + 1)
            for c, w in counts.items():
                if c >= 0:
                    raw[r, c] = w
                else:
                    signed[r, -1 - c] = w
        p = raw[:, self.positive_].sum(axis=1) + signed[:, 0]
        n = raw[:, self.negative_].sum(axis=1) + signed[:, 1]
        score = np.divide(p - n, p + n, out=np.zeros(size), where=(p + n) > 0)
        if not (self.positive_ or self.negative_ or self.signed is not None):
            score[:] = np.nan
        rates = np.divide(raw, n_tokens[:, None], out=np.zeros_like(raw), where=n_tokens[:, None] > 0)
        return np.column_stack([score, rates])

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "lexicon_")
        return np.array(["score", *self.categories_], dtype=object)


def _categories(lex: Lexicon, arg: str, patterns) -> list[str]:
    out = []
    for p in (patterns,) if isinstance(patterns, str) else patterns:
        if not (hits := [c for c in lex.categories if fnmatchcase(c, p)]):
            raise LexiconError(f"{lex.source}: {arg} pattern {p!r} matches no category; "
                               f"categories: {', '.join(lex.categories)}")
        out += [c for c in hits if c not in out]
    return out


def _phrase_at(tokens: list[str], start: int, rest: tuple[str, ...], is_prefix: bool) -> bool:
    last = len(rest) - 1
    return all(tokens[start + j] == w or (is_prefix and j == last and tokens[start + j].startswith(w))
               for j, w in enumerate(rest))


def _credit(counts: dict, until: dict, hits, start: int, end: int) -> None:
    # Each token counts once per category: the first (longest) match claims tokens start..end-1.
    for c, w, signed_key in hits:
        if until.get(c, 0) <= start:
            counts[c] = counts.get(c, 0.0) + w
            until[c] = end
            if signed_key is not None:
                counts[signed_key] = counts.get(signed_key, 0.0) + abs(w)
