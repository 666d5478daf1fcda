"""What a sentence says about one target, read from the target's own clause.

In "X praised the deal, while Y condemned it" the whole sentence is mixed, but
X's clause is positive and Y's negative. A model fed the whole masked sentence
(and its VADER score) gives both targets one label; these views keep what lies
near the target apart from what lies near the others.

* :func:`split_clauses` cuts a sentence at ``, ; :``, dashes, brackets and the
  conjunctions and/but/while/whereas/although/though;
  :func:`target_clause` is the clause that holds the target, widened to the
  next clause when it holds no content word of its own ("X and Y praised ...").
* :func:`clause_views` gives per mention the masked clause (other targets of
  the same sentence masked too), the masked sentence, and numeric cues:
  distance-weighted VADER-lexicon valence before and after the target in its
  clause, and whether the target is the agent of the nearest sentiment word
  (it comes before it, or follows a passive "by") or its object (it comes
  after it, or before a passive "was praised"); no parser, word order only.

Other targets of a sentence are the rows of ``X`` with the same ``text``: no
sentence id is needed, so the study's actor mentions work as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.sentiment.vader_fast import BOOSTER_DICT, NEGATE, FastVader

PLACEHOLDER = "xtargetx"
OTHER = "xotherx"  # another target of the same sentence
EDGE = "xedgex"  # the clause ends here
CONJUNCTIONS = frozenset({"and", "but", "while", "whereas", "although", "though"})
_BREAKS = frozenset({",", ";", ":", "--", "—", "–", "(", ")"})
_TOKEN = re.compile(r"\w+(?:['’.-]\w+)*|--|[^\w\s]")
NUMERIC = ("left_pos", "left_neg", "right_pos", "right_neg", "agent_pos", "agent_neg", "object_pos", "object_neg",
           "clause_negated", "target_first", "n_others")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, float]:
    # VADER's lexicon without booster words (they intensify, they carry no polarity of their own)
    lex = FastVader(cache_size=0).lexicon
    return {w: v for w, v in lex.items() if w not in BOOSTER_DICT}


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Word and punctuation tokens with their character spans."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def split_clauses(text: str) -> list[tuple[int, int]]:
    """Token-index ranges ``[i, j)`` of the clauses of ``text``; breaks and conjunctions belong to no clause."""
    toks = tokens(text)
    out, start = [], 0
    for i, (tok, _, _) in enumerate(toks):
        if tok in _BREAKS or tok.lower() in CONJUNCTIONS:
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < len(toks):
        out.append((start, len(toks)))
    return out


def _is_content(tok: str) -> bool:
    return tok[0].isalpha() and tok not in (PLACEHOLDER, OTHER)


def target_clause(toks: list[str], clauses: list[tuple[int, int]], t0: int, t1: int) -> tuple[int, int]:
    """The clause range holding target tokens ``[t0, t1)``, widened while it has no word besides targets."""
    holding = [k for k, (i, j) in enumerate(clauses) if i < t1 and t0 < j]
    if not holding:
        return t0, t1
    first, last = holding[0], holding[-1]
    lo, hi = clauses[first][0], clauses[last][1]
    # "X and Y praised the deal": X's clause is "X" alone; the predicate comes in a later clause.
    while last + 1 < len(clauses) and not any(_is_content(toks[k]) for k in range(lo, hi) if not t0 <= k < t1):
        last += 1
        hi = clauses[last][1]
    return lo, hi


def _mask(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for s, e, label in sorted(spans):
        if s < pos:  # overlapping mention: the one already masked covers it
            continue
        out += [text[pos:s], f" {label} "]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def _cues(toks: list[str], lo: int, hi: int, t: int, *, decay: float) -> dict[str, float]:
    """Distance-weighted valence left/right of the target (token ``t``) and agent/object cues in ``[lo, hi)``."""
    lex = _lexicon()
    low = [w.lower() for w in toks]
    c = dict.fromkeys(NUMERIC, 0.0)
    nearest_left, nearest_right = None, None
    for k in range(lo, hi):
        v = lex.get(low[k])
        if not v or k == t:
            continue
        if any(low[m] in NEGATE for m in range(max(lo, k - 3), k)):
            v, c["clause_negated"] = -0.74 * v, 1.0  # VADER's own scalar for a negated word
        d = abs(k - t)
        w = v / 4.0 / (1.0 + d / decay)
        side = "left" if k < t else "right"
        c[f"{side}_pos" if w > 0 else f"{side}_neg"] += w
        if k < t and (nearest_left is None or k > nearest_left[0]):
            nearest_left = (k, v)
        if k > t and nearest_right is None:
            nearest_right = (k, v)
    passive = t > lo and low[t - 1] == "by"  # "was criticised by X": X acts
    agent = nearest_left if passive else nearest_right
    obj = None if passive else nearest_left
    if not passive and nearest_right is not None and _passive_verb(low, nearest_right[0], t):
        agent, obj = None, nearest_right  # "X was praised": X undergoes it
    for role, hit in (("agent", agent), ("object", obj)):
        if hit is not None:
            c[f"{role}_pos" if hit[1] > 0 else f"{role}_neg"] = abs(hit[1]) / 4.0
    c["target_first"] = float(not any(_is_content(toks[k]) for k in range(lo, t)))
    return c


_BE = frozenset({"is", "are", "was", "were", "be", "been", "being", "got", "gets", "get"})


def _passive_verb(low: list[str], k: int, t: int) -> bool:
    """Token ``k`` (after the target ``t``) is a participle right after a form of 'be' or 'get'."""
    return k - 1 > t and low[k - 1] in _BE and low[k].endswith(("ed", "en"))


def clause_views(X: pd.DataFrame, *, window: int = 3, decay: float = 3.0) -> pd.DataFrame:
    """Per mention, index kept: ``clause``, ``left``, ``right``, ``masked`` (text views) and the :data:`NUMERIC` cues.

    ``X`` has ``text``, ``start``, ``end``. The target becomes ``xtargetx``,
    other targets of the same sentence (rows with the same ``text``) ``xotherx``.
    ``left``/``right`` are the ``window`` tokens either side of the target
    inside its clause, with ``xedgex`` where the clause ends within the window.
    """
    spans_by_text: dict[str, list[tuple[int, int]]] = {}
    for text, s, e in zip(X["text"].astype(str), X["start"].astype(int), X["end"].astype(int), strict=True):
        spans_by_text.setdefault(text, []).append((s, e))
    rows = []
    for text, s, e in zip(X["text"].astype(str), X["start"].astype(int), X["end"].astype(int), strict=True):
        if not 0 <= s <= e <= len(text):
            raise ValueError(f"mention span {s}:{e} lies outside a sentence of {len(text)} characters")
        others = {sp for sp in spans_by_text[text] if sp != (s, e) and (sp[1] <= s or sp[0] >= e)}
        masked = _mask(text, [(s, e, PLACEHOLDER)] + [(a, b, OTHER) for a, b in others])
        toks = [tok for tok, _, _ in tokens(masked)]
        t = toks.index(PLACEHOLDER)
        lo, hi = target_clause(toks, split_clauses(masked), t, t + 1)
        cues = _cues(toks, lo, hi, t, decay=decay)
        cues["n_others"] = float(len(others) > 0)
        # EDGE marks a window that reaches the clause's edge: a target opening its clause is its subject
        left = ([EDGE] if t - window <= lo else []) + toks[max(lo, t - window):t]
        right = toks[t + 1:min(hi, t + 1 + window)] + ([EDGE] if t + 1 + window >= hi else [])
        rows.append({"clause": " ".join(toks[lo:hi]), "left": " ".join(left), "right": " ".join(right),
                     "masked": masked, **cues})
    cols = ["clause", "left", "right", "masked", *NUMERIC]
    return pd.DataFrame(rows, columns=cols, index=X.index).astype({c: "float64" for c in NUMERIC})


def agent_or_object(text: str, start: int, end: int) -> str:
    """``agent``, ``object`` or ``none``: the target's role toward the nearest sentiment word in its clause."""
    v = clause_views(pd.DataFrame({"text": [text], "start": [start], "end": [end]})).iloc[0]
    agent, obj = v["agent_pos"] + v["agent_neg"], v["object_pos"] + v["object_neg"]
    if agent > 0 and (obj == 0 or v["target_first"]):
        return "agent"
    return "object" if obj > 0 else ("agent" if agent > 0 else "none")


def position_words(masked: str) -> str:
    """The words of a masked sentence tagged with their distance to the target: ``p-1_said p2_the p9_deal``.

    Distances 1-3 keep their own bucket, 4-6 share ``p±5`` and anything
    farther ``p±9``, so "attacked xtargetx" and "xtargetx attacked" differ
    and a word far from the target counts less specifically than one beside it.
    """
    low = [tok.lower() for tok, _, _ in tokens(masked)]
    t = low.index(PLACEHOLDER) if PLACEHOLDER in low else 0
    out = []
    for k, w in enumerate(low):
        d = k - t
        if d == 0:
            continue
        bucket = d if abs(d) <= 3 else (5 if abs(d) <= 6 else 9) * (1 if d > 0 else -1)
        out.append(f"p{bucket}_{w}")
    return " ".join(out)


def sentence_groups(X: pd.DataFrame) -> np.ndarray:
    """A sentence code per row (rows with the same ``text`` are targets of one sentence)."""
    return pd.factorize(X["text"].astype(str))[0]
