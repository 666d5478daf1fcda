"""Labels: which words outlets choose for the same referent, and candidate labels nobody listed.

A *referent* is one thing the coverage names in competing ways (the Xinjiang
"re-education camps" / "vocational training centers" / "concentration
camps"); each *label* is one word choice, matched by its surface forms.
The article is the unit of every share: a label used ten times in one
article counts once, so that one long piece cannot outvote an outlet.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from analysis.core import defaults, patterns, tables
from analysis.text.voice import voice_at


@dataclass(frozen=True)
class Referent:
    """A referent and its labels: ``{label: (surface form regex, ...)}``.

    Forms are regular expressions matched case-insensitively as whole words;
    a label given no forms (or ``None``) matches itself literally, and a
    single string is taken as one form.
    """

    name: str
    labels: dict[str, tuple[str, ...]]

    def __post_init__(self):
        if not self.labels:
            raise ValueError(f"referent {self.name!r}: labels is empty; give at least one label")
        norm = {}
        for label, forms in self.labels.items():
            forms = (forms,) if isinstance(forms, str) else tuple(forms or ())
            norm[str(label)] = forms or (re.escape(str(label)),)
        object.__setattr__(self, "labels", norm)


validate = tables.validate


def _form_pattern(form: str) -> str:
    # Lookarounds rather than \b so forms may start or end in punctuation.
    return rf"(?<!\w)(?:{form})(?!\w)"


# Nearly every sentence names no referent, yet each label form was searched in each (a regex per form and
# sentence: most of the label time). One search of all forms at once says whether any matches: it does exactly
# when one of them does, for forms that stand alone in an alternation (no groups a backreference could count,
# no inline flags that would reach the others, no backtracking verbs such as "(*SKIP)(*FAIL)", which in an
# alternation also skip the other forms' matches).
_STANDS_ALONE = re.compile(r"\(\?(?!:)|\(\*")


def _screen(forms: list[str], compiled: list) -> object | None:
    """The ``compiled`` patterns of all label ``forms`` as one alternation, or None when a form cannot join it."""
    if not forms or any(p.groups for p in compiled) or any(_STANDS_ALONE.search(f) for f in forms):
        return None
    return patterns.compile_pattern("|".join(f"(?:{p.pattern})" for p in compiled), ignore_case=True)


def _may_mention(screen, text: str) -> bool:
    if screen is None:
        return True
    try:
        return screen.search(text, timeout=patterns.MATCH_TIMEOUT) is not None
    except TimeoutError:  # let the forms' own search say which one backtracks without end
        return True


class LabelMatcher(BaseEstimator):
    """Finds label mentions: each label's forms as case-insensitive whole-word regexes.

    Parameters
    ----------
    referents : sequence of :class:`Referent`
    """

    def __init__(self, *, referents: Sequence[Referent] = ()):
        self.referents = referents

    def fit(self, X=None, y=None) -> LabelMatcher:
        names = [r.name for r in self.referents]
        if len(set(names)) != len(names):
            raise ValueError(f"referents: names must be unique, got {names}")
        compiled = []
        for ref in self.referents:
            parts = []
            for label, forms in ref.labels.items():
                for form in forms:
                    try:
                        parts.append((label, patterns.compile_pattern(_form_pattern(form), ignore_case=True)))
                    except patterns.error as exc:
                        raise ValueError(f"referent {ref.name!r} label {label!r}: bad form {form!r}: {exc}") from None
            compiled.append((ref.name, [(label, p, f"referent {ref.name!r} label {label!r}") for label, p in parts]))
        self.patterns_ = compiled
        self.screen_ = _screen([form for ref in self.referents for forms in ref.labels.values() for form in forms],
                               [p for _, parts in compiled for _, p, _ in parts])
        return self

    def find(self, text: str) -> list[tuple[str, str, str, int, int]]:
        """(referent, label, matched, start, end) for each mention, in text order.

        Within a referent, overlapping matches are resolved longest first
        (then earliest, then the label listed first), so "trade blacklist"
        is one mention, not also a "blacklist". Different referents may
        share a span: each is counted in its own referent.
        """
        check_is_fitted(self, "patterns_")
        return self._find(text)

    def _find(self, text: str) -> list[tuple[str, str, str, int, int]]:
        if not _may_mention(self.screen_, text):
            return []
        found = []
        for name, parts in self.patterns_:
            hits = sorted(((m.start() - m.end(), m.start(), i, label, m.group(), m.end())
                           for i, (label, p, owner) in enumerate(parts)
                           for m in patterns.finditer(p, text, owner=owner)
                           if m.end() > m.start()))
            taken: list[tuple[int, int]] = []
            for _, start, _, label, surface, end in hits:
                if all(end <= s or start >= e for s, e in taken):
                    taken.append((start, end))
                    found.append((start, name, label, surface, end))
        return [(name, label, surface, start, end) for start, name, label, surface, end in sorted(found)]


def label_mentions(sentences: pd.DataFrame, *, matcher: LabelMatcher,
                   voices: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``label_mentions`` table: one row per label match in ``sentences``.

    ``voices``: the ``voice_spans`` table; each match then says whose words it is in ("concentration
    camps" in a quoted activist is not the outlet's label). Needs the sentences' ``start`` offsets.
    """
    check_is_fitted(matcher, "patterns_")  # once here: _find, run per sentence, skips the check
    starts = sentences["start"] if voices is not None else pd.Series(0, index=sentences.index)
    rows = [(doc, sent, outlet, *hit, offset + hit[3])
            for doc, sent, outlet, text, offset in zip(sentences["doc_id"], sentences["sent_id"], sentences["outlet"],
                                                       sentences["text"], starts)
            for hit in matcher._find(text)]
    if voices is not None and rows:
        found = voice_at(voices, [r[0] for r in rows], [r[-1] for r in rows])
        kinds = list(zip(found["voice"], found["speaker_type"]))
    else:
        kinds = [("outlet", "")] * len(rows)
    rows = [(*r[:-1], v, t if v != "outlet" else "") for r, (v, t) in zip(rows, kinds)]
    return validate(tables.from_rows(rows, "label_mentions"), "label_mentions")


def label_voices(mentions: pd.DataFrame, articles: pd.DataFrame, *, referents: Sequence[Referent],
                 confidence: float = defaults.CONFIDENCE, by: Sequence[str] = ("outlet", "leaning")) -> pd.DataFrame:
    """The ``label_voices`` table: :func:`labels_by_outlet` on the outlet's own matches and on others'."""
    own = mentions["voice"] == "outlet"
    parts = [labels_by_outlet(mentions.loc[mask], articles, referents=referents, confidence=confidence, by=by)
             .assign(voice=voice) for voice, mask in (("outlet", own), ("others", ~own))]
    out = pd.concat(parts, ignore_index=True)
    return validate(out[tables.schema("label_voices").names], "label_voices")


def labels_by_outlet(mentions: pd.DataFrame, articles: pd.DataFrame, *, referents: Sequence[Referent],
                     confidence: float = defaults.CONFIDENCE, by: Sequence[str] = ("outlet", "leaning"),
                     ) -> pd.DataFrame:
    """Share of each group's articles naming a referent that use each label, with a Wilson interval.

    The denominator is the group's articles that use *any* label of the
    referent, so the share reads "when this outlet names the camps, how
    often does it call them X". Shares of one referent can sum to more
    than 1 (an article may use several labels). A group that never names
    the referent gets no rows; every label gets a row (possibly 0) in a
    group that does. Only articles in ``articles`` count (filter
    duplicates there); group columns come from ``articles``.

    The article is the unit, so each share is a binomial proportion over
    few articles, often 0 or 1: the Wilson score interval keeps near-nominal
    coverage there and stays inside [0, 1], where the Wald interval
    collapses to zero width (Brown, Cai & DasGupta 2001).
    """
    per_doc = (mentions.groupby(["referent", "label", "doc_id"]).size().rename("n_mentions").reset_index()
               .merge(articles[["doc_id", *by]].drop_duplicates("doc_id"), on="doc_id", how="inner"))
    rows = []
    for group_var in by:
        for ref in referents:
            used = per_doc.loc[per_doc["referent"] == ref.name]
            for group, g in used.groupby(group_var, sort=True):
                n = g["doc_id"].nunique()
                for label in ref.labels:
                    h = g.loc[g["label"] == label]
                    ci = stats.binomtest(len(h), n).proportion_ci(confidence_level=confidence, method="wilson")
                    rows.append((ref.name, group_var, str(group), label, n, len(h), len(h) / n, ci.low, ci.high,
                                 int(h["n_mentions"].sum())))
    return validate(tables.from_rows(rows, "label_shares"), "label_shares")


def label_contrasts(shares: pd.DataFrame, *, group_var: str = "leaning",
                    min_articles: int = defaults.MIN_ARTICLES) -> pd.DataFrame:
    """Every pair of groups of ``group_var``, every label: is the share different?

    Reads the ``label_shares`` table. Each row is a 2x2 table of articles
    (using the label or not, group a or b); Fisher's exact test is the
    permutation test of articles between the two groups computed exactly,
    so no resampling and no seed. Groups with fewer than ``min_articles``
    articles naming the referent are left out, and a label neither group
    uses is not tested (its p is 1 by construction). ``p_fdr`` is
    Benjamini-Hochberg across the whole table.
    """
    rows = []
    for (ref, label), t in shares.loc[shares["group_var"] == group_var].groupby(["referent", "label"], sort=True):
        t = t.loc[t["n_articles"] >= min_articles].set_index("group").sort_index()
        for a, b in itertools.combinations(t.index, 2):
            (na, ka), (nb, kb) = t.loc[a, ["n_articles", "n_using"]], t.loc[b, ["n_articles", "n_using"]]
            if ka + kb == 0:
                continue
            p = stats.fisher_exact([[ka, na - ka], [kb, nb - kb]], alternative="two-sided").pvalue
            rows.append((ref, label, group_var, a, b, na, nb, ka, kb, ka / na, kb / nb, ka / na - kb / nb, p))
    fdr = stats.false_discovery_control([r[-1] for r in rows], method="bh") if rows else []
    return validate(tables.from_rows([(*r, q) for r, q in zip(rows, fdr)], "label_contrasts"), "label_contrasts")


_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:[-'’]\w+)*")  # "U.S." is one word, not "u" and "s"
_SLOTS = 2  # neighbours kept with their position: "held in ___ in" is what a substitute label shares
_STOP = ENGLISH_STOP_WORDS


def _grams(words: list[str], in_label: list[bool], max_n: int):
    """(i, j) of every n-gram of up to ``max_n`` words that does not touch a known-label match."""
    for i in range(len(words)):
        for j in range(i + 1, min(i + max_n, len(words)) + 1):
            if in_label[j - 1]:
                break
            yield i, j


def _context(words: list[str], in_label: list[bool], i: int, j: int, window: int) -> list[str]:
    # Known-label words are left out of the bag: sitting next to a label is not evidence of being one.
    bag = [w for k in (*range(max(0, i - window), i), *range(j, min(len(words), j + window)))
           if not in_label[k] and (w := words[k]) not in _STOP]
    slot = [f"{k - i}:{'<label>' if in_label[k] else words[k]}" for k in range(max(0, i - _SLOTS), i)]
    slot += [f"+{k - j + 1}:{'<label>' if in_label[k] else words[k]}" for k in range(j, min(len(words), j + _SLOTS))]
    return bag + slot


def _identity(doc: list[str]) -> list[str]:
    return doc


def _inside(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return any(b[k:k + len(a)] == a for k in range(len(b) - len(a) + 1))


def _separation(docs: list[set[str]], doc_group: pd.Series) -> tuple[np.ndarray, list[str], list[str]]:
    """(z, top group, "group n; ...") per candidate: how strongly a group's articles use it more than the rest.

    The article is the unit (one outlet repeating a word is one article's choice). For each group, the
    log odds of an article using the candidate against the rest's, with 0.5 added to every cell (the
    Haldane-Anscombe correction, so groups that never use it get a finite value), over its standard
    error; the largest z is kept. Groups come from ``doc_group`` (doc_id -> group).
    """
    groups = sorted(doc_group.unique())
    size = doc_group.value_counts().reindex(groups).to_numpy(float)
    total = size.sum()
    z, top, counts = np.zeros(len(docs)), [], []
    for k, used in enumerate(docs):
        n = doc_group.reindex(list(used)).value_counts().reindex(groups, fill_value=0).to_numpy(float)
        a, b = n + 0.5, size - n + 0.5
        c, d = n.sum() - n + 0.5, (total - size) - (n.sum() - n) + 0.5
        zs = (np.log(a / b) - np.log(c / d)) / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
        best = int(np.argmax(zs))
        z[k] = zs[best]
        top.append(str(groups[best]))
        counts.append("; ".join(f"{g} {int(x)}" for g, x in zip(groups, n)))
    return z, top, counts


def discover_labels(sentences: pd.DataFrame, mentions: pd.DataFrame, *, referent: Referent, top: int = 20,
                    min_count: int = 2, window: int = 5, max_n: int = 4,
                    method: Literal["context", "head_noun", "contrast"] = "context",
                    articles: pd.DataFrame | None = None, by: str = "leaning",
                    pool: int = 200) -> pd.DataFrame:
    """Candidate labels for ``referent``: n-grams used where its known labels are used.

    A suggestion list for the researcher to accept or reject (then add to
    the referent's labels), not a measurement: context similarity also
    ranks high the topic's other nouns (the people held, the region), and
    ``head_noun`` also lists other things with the same head ("training
    camp" of a sports team).

    Candidates are 1..``max_n``-grams of ``sentences`` that neither start
    nor end with a stop word, have a letter in every word, occur at least
    ``min_count`` times outside known-label matches and do not spell a
    known label; ``method="head_noun"`` keeps only those ending in the last
    word of a known label as matched ("facilities", "camps"). A context
    vector holds the non-stop words within ``window`` words of each
    occurrence and the words in the ``_SLOTS`` positions either side,
    tf-idf weighted; the score is the cosine with the mean of the known
    labels' vectors (rows are unit length, so each label weighs the same
    however often it is used). Of n-grams inside one another with the same
    count (always used together) only the best scored is listed. A sentence
    repeated within an article (scraped twice) is read once. Pass the
    topic's sentences, not a whole archive: every n-gram is counted.

    With ``articles``, every method also reports, for each candidate, the articles using it per
    group of ``articles[by]``, the group that uses it most and a sentence from that group (columns
    ``separation``, ``top_group``, ``n_by_group``, ``example_sentence_doc``).

    ``method="contrast"`` looks for the words that split the groups (``articles[by]``): of the
    ``pool`` candidates whose contexts are most like the known labels' (substitutes, as above), it
    ranks first those that one group's articles use far more than the rest's ("CCP" in right-leaning
    outlets where others write "Chinese government"): score = cosine x (1 + min(z, 4) / 4), where z
    is the candidate's largest one-vs-rest log-odds z over groups (see ``separation``), so
    separation can at most double a substitute's score and never lifts a word with unlike
    contexts. Each row then says which group uses it most, the articles per group, and a sentence
    from that group as evidence.
    """
    if method not in ("context", "head_noun", "contrast"):
        raise ValueError(f"method={method!r}; allowed: 'context', 'head_noun', 'contrast'")
    if (method == "contrast" or articles is not None) and (articles is None or by not in articles):
        raise ValueError(f"method='contrast' and group counts need articles with a {by!r} column")
    known = mentions.loc[mentions["referent"] == referent.name]
    spans = defaultdict(list)
    for doc, sent, label, start, end in zip(known["doc_id"], known["sent_id"], known["label"], known["start"],
                                            known["end"]):
        spans[(doc, int(sent))].append((int(start), int(end), label))
    forms = [patterns.compile_pattern(_form_pattern(f), ignore_case=True) for fs in referent.labels.values() for f in fs]
    # The last word of each known match, in both numbers ("camps" also finds "camp").
    heads = {v for m in known["matched"] for h in [m.split()[-1].lower()] for v in (h, h + "s", h.removesuffix("s"))}

    parsed, occurrences, label_ctx, seen = [], defaultdict(list), defaultdict(list), set()
    for doc, sent, text in zip(sentences["doc_id"], sentences["sent_id"], sentences["text"]):
        if (doc, text) in seen:
            continue
        seen.add((doc, text))
        toks = [(m.group().lower(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        here = [(label, [k for k, (_, ts, te) in enumerate(toks) if s < te and ts < e])
                for s, e, label in spans.get((doc, int(sent)), [])]
        words, in_label = [w for w, _, _ in toks], [False] * len(toks)
        for k in (k for _, idx in here for k in idx):
            in_label[k] = True
        for label, idx in here:
            if idx:
                label_ctx[label] += _context(words, in_label, idx[0], idx[-1] + 1, window)
        parsed.append((f"{doc}#{sent}", words, in_label))
        for i, j in _grams(words, in_label, max_n):
            gram = tuple(words[i:j])
            if gram[0] not in _STOP and gram[-1] not in _STOP and all(any(c.isalpha() for c in w) for w in gram):
                occurrences[gram].append((len(parsed) - 1, i, j))
    cands = {g: occ for g, occ in occurrences.items() if len(occ) >= min_count
             and not any(patterns.fullmatch(p, " ".join(g), owner=f"referent {referent.name!r}") for p in forms)
             and (method != "head_noun" or g[-1] in heads)}
    cand_ctx = {g: [w for k, i, j in occ for w in _context(*parsed[k][1:], i, j, window)] for g, occ in cands.items()}
    labels = [lab for lab in referent.labels if label_ctx[lab]]
    grams = [g for g in cands if cand_ctx[g]]
    if not labels or not grams:
        return tables.empty("label_candidates")
    X = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(
        [label_ctx[lab] for lab in labels] + [cand_ctx[g] for g in grams])
    centroid = np.asarray(X[:len(labels)].mean(axis=0)).ravel()
    scores = X[len(labels):] @ centroid / (np.linalg.norm(centroid) or 1.0)
    desc = f"{method}: cosine of tf-idf context vectors (±{window} words, ±{_SLOTS} slots) with the known labels' mean"
    ranked = sorted(zip(scores, grams), key=lambda t: (-t[0], -len(cands[t[1]]), t[1]))
    extra: dict[tuple[str, ...], tuple[float, str, str, str]] = {}
    if articles is not None:  # counts per group and evidence from the group that uses it most
        ranked = ranked[:pool if method == "contrast" else max(pool, 2 * top)]
        doc_group = articles.drop_duplicates("doc_id").set_index("doc_id")[by].astype(str)
        docs = [{parsed[k][0].rsplit("#", 1)[0] for k, _, _ in cands[g]} for _, g in ranked]
        z, top_group, counts = _separation(docs, doc_group)
        for (_, g), zg, tg, cg in zip(ranked, z, top_group, counts):
            in_top = [k for k, _, _ in cands[g] if doc_group.get(parsed[k][0].rsplit("#", 1)[0]) == tg]
            extra[g] = (float(zg), tg, cg, parsed[(in_top or [cands[g][0][0]])[0]][0])
    if method == "contrast":
        ranked = sorted(((sc * (1 + min(max(extra[g][0], 0.0), 4.0) / 4), g) for sc, g in ranked),
                        key=lambda t: (-t[0], -len(cands[t[1]]), t[1]))
        desc += f"; x (1 + min(z, 4) / 4), z the largest one-vs-rest log-odds z of articles using it by {by}"
    rows, kept = [], []
    for s, g in ranked:
        if len(rows) == top:
            break
        if not any((_inside(g, k) or _inside(k, g)) and len(cands[g]) == len(cands[k]) for k in kept):
            kept.append(g)
            z, group, counts, example = extra.get(g, (float("nan"), "", "", parsed[cands[g][0][0]][0]))
            rows.append((referent.name, " ".join(g), float(s), len(cands[g]), example, desc, z, group, counts))
    return validate(tables.from_rows(rows, "label_candidates"), "label_candidates")
