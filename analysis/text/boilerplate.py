"""Boilerplate: paragraphs an outlet repeats across its articles (or an article repeats within itself), calls to
action, and the story grouping that keeps two versions of one story from counting as each other's boilerplate.

Part of the clean stage (:func:`analysis.text.clean.clean_articles`); every removal is a row of the cleaning log.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict

import numpy as np
import pandas as pd

from analysis.core import progress
from analysis.stats.graphs import components
from analysis.text.characters import fold_paragraphs
from analysis.text.clean_log import DETAIL_CHARS, log_frame, require_columns, text_column
from analysis.text.duplicates import find_near_duplicates

log = logging.getLogger("analysis")

# --- paragraphs ------------------------------------------------------------

def _split(text: str) -> list[str]:
    """``[para, sep, para, sep, ..., para]``: each non-empty line is a paragraph.

    Ingest keeps single newlines and the seed uses blank lines; treating each
    line as a unit handles both and keeps the separators for rebuilding.
    (``re.split(r"(\n+)", text)``, from ``str.split``: the pattern, which opens with a group, was tried at every
    position.)
    """
    lines = text.split("\n")
    parts, run = [lines[0]], 0
    for line in lines[1:]:
        run += 1
        if line:
            parts += ["\n" * run, line]
            run = 0
    if run:
        parts += ["\n" * run, ""]
    return parts


def _rebuild(text: str, remove: set[int]) -> str:
    """The text without paragraphs at ``remove`` (indices into ``fold_paragraphs(text).paragraphs``), other bytes
    untouched."""
    if not remove:
        return text
    parts = _split(text)
    kept: list[str] = []
    index = -1
    for k in range(0, len(parts), 2):
        para = parts[k]
        if para.strip():
            index += 1
            if index in remove:
                continue
        if kept and k > 0:
            kept.append(parts[k - 1])
        kept.append(para)
    return "".join(kept).strip("\n")  # re.sub(r"^\n+|\n+$", "", ...), which tried its pattern at every position


# Calls to action: a short documented list, matched on folded text. Used only
# for paragraphs that repeat inside an article or sit next to removed
# boilerplate, never to remove a one-off paragraph on its own.
CALL_TO_ACTION = re.compile(
    r"\bsubscribe\b|\bsign up\b|\bnewsletter\b|\bfollow us\b|\bdonate\b|\bsupport (?:us|our)\b"
    r"|\bbecome an? (?:member|patron|subscriber)\b|\bclick here\b|\bdownload (?:our|the) app\b"
    r"|^read more\b|^share(?: this(?: article| story| post)?| on \w+)?[\s\d:]*$|^advertisement$"
)
CTA_MAX_CHARS = 200
LEAD_PARAGRAPHS = 3  # a repeat whose first copy is this early is a teaser of the body copy

# A quotation: a quoted span of three or more words plus an attribution verb.
# Two articles of one outlet quoting the same statement is shared content, not boilerplate.
_QUOTED = re.compile(r"\"[^\"]*\S+\s+\S+\s+\S+[^\"]*\"|(?<!\w)'[^']*\S+\s+\S+\s+\S+[^']*'(?!\w)")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|according to|stated|states|added|wrote|writes|announced|tweeted"
    r"|posted|declared|explained|notes?|noted|argued|insisted|warned|claimed|statement)\b")


def is_call_to_action(folded: str) -> bool:
    return len(folded) <= CTA_MAX_CHARS and bool(CALL_TO_ACTION.search(folded))


def is_quotation(folded: str) -> bool:
    """Quoted words with an attribution (said, told, according to, ...): real content even when repeated."""
    # The cheap tests first (a quote mark, then the verbs): the quoted-span pattern backtracks.
    return (('"' in folded or "'" in folded) and bool(_ATTRIBUTION.search(folded))
            and bool(_QUOTED.search(folded)))


# --- boilerplate -----------------------------------------------------------

# A paragraph's key is its folded text (a dict hashes a string once and keeps the hash; a digest of each paragraph
# cost more than it saved).


def _cross_article_keys(keys: list[list[str]], outlets: list[str], groups: list[int], *,
                        min_articles: int, min_chars: int) -> dict[tuple[str, str], int]:
    """(outlet, paragraph key) -> number of distinct stories of that outlet containing it, where >= min_articles.

    Counting stories, not rows, keeps two copies of one article (or an
    updated version) from stripping each other's content.
    """
    # A key's first story per outlet, and a set of stories only for keys in two or more: no container per
    # paragraph (millions on AllSides, each one more object for every garbage collection to walk).
    first: dict[str, dict[str, int]] = defaultdict(dict)
    support: dict[tuple[str, str], set[int]] = {}
    for article_keys, outlet, group in zip(keys, outlets, groups):
        stories = first[outlet]
        for key in article_keys:
            if len(key) >= min_chars and (story := stories.setdefault(key, group)) != group:
                support.setdefault((outlet, key), {story}).add(group)
    # A key is its folded text, so a quotation is one in every article: tested once, and only where it repeats.
    return {k: len(v) for k, v in support.items() if len(v) >= min_articles and not is_quotation(k[1])}


def _within_article(keys: list[str], folded: list[str], *, min_chars: int) -> dict[int, str]:
    """Paragraph index -> reason, for paragraphs repeated inside one article.

    A repeated call to action goes in every occurrence, and so does a
    short repeated paragraph (at most ``CTA_MAX_CHARS``) whose every
    occurrence sits next to one (the "Tired of censorship and surveillance?"
    line of a subscription block): the repeated neighbourhood is the
    evidence. Longer repeats are never absorbed into a block, so a news item
    that happens to sit beside a "subscribe" line twice is not lost. Any
    other repeat of at least ``min_chars`` keeps one occurrence: the first,
    unless the first sits in the lead (the first three paragraphs) as a teaser
    of a paragraph repeated in the body, where the body copy is the one in
    context and is kept instead.
    """
    where: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        where[key].append(i)
    repeated = {k: pos for k, pos in where.items() if len(pos) > 1}
    block = {k for k, pos in repeated.items() if is_call_to_action(folded[pos[0]])}
    grew = True
    while grew:
        grew = False
        for k, pos in repeated.items():
            if k not in block and len(folded[pos[0]]) <= CTA_MAX_CHARS and all(
                    any(0 <= j < len(keys) and keys[j] in block for j in (i - 1, i + 1)) for i in pos):
                block.add(k)
                grew = True
    out: dict[int, str] = {}
    for k, pos in repeated.items():
        if k in block:
            for i in pos:
                out[i] = f"repeated {len(pos)} times within the article, in a call-to-action block"
        elif len(folded[pos[0]]) >= min_chars:
            teaser = pos[0] < LEAD_PARAGRAPHS
            keep = pos[-1] if teaser else pos[0]
            which = "body occurrence kept (the first was a teaser in the lead)" if teaser else "first occurrence kept"
            for i in pos:
                if i != keep:
                    out[i] = f"repeated {len(pos)} times within the article; {which}"
    return out


def _cta_neighbours(folded: list[str], removed: dict[int, str]) -> dict[int, str]:
    """Short calls to action next to removed boilerplate ("Read more", "Share", "subscribe to ...")."""
    out: dict[int, str] = {}
    frontier = sorted(removed)
    while frontier:
        nxt = []
        for i in frontier:
            for j in (i - 1, i + 1):
                if 0 <= j < len(folded) and j not in removed and j not in out and is_call_to_action(folded[j]):
                    out[j] = "call to action next to removed boilerplate"
                    nxt.append(j)
        frontier = nxt
    return out


def remove_boilerplate(articles: pd.DataFrame, *, min_articles: int = 2, min_chars: int = 20,
                       same_story_threshold: float | None = 0.8,
                       cache: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove repeated paragraphs: outlet boilerplate, in-article repeats, and calls to action beside them.

    ``articles`` needs ``doc_id``, ``outlet`` and ``text``; a paragraph is a
    non-empty line. Paragraphs are compared folded. Removed:

    * a paragraph of at least ``min_chars`` folded characters found in
      ``min_articles`` or more distinct stories of the same outlet, unless it
      is a quotation (quoted words plus said/told/according to ...);
      articles whose shingle Jaccard is at least ``same_story_threshold``,
      or that share ``STORY_MIN_SHARED`` rare paragraphs making up
      ``STORY_MIN_FRACTION`` of the shorter one, count as one story
      (``None`` counts every row);
    * repeats inside one article (see ``_within_article``);
    * short calls to action adjacent to anything removed.

    Short paragraphs (below ``min_chars``) are never counted as repeats:
    "Washington" or "Updated" collide by chance.

    ``cache`` is passed to :func:`find_near_duplicates` (for a caller that
    looks for duplicates again after this).

    Returns (articles with ``text`` rewritten and ``n_chars_removed``, log).
    """
    out, rows, _ = remove_boilerplate_rows(articles, min_articles=min_articles, min_chars=min_chars,
                                       same_story_threshold=same_story_threshold, cache=cache)
    return out, log_frame(rows)


def remove_boilerplate_rows(articles: pd.DataFrame, *, min_articles: int, min_chars: int,
                            same_story_threshold: float | None,
                            cache: dict | None) -> tuple[pd.DataFrame, list[tuple], list[str | None]]:
    """:func:`remove_boilerplate`, with the log as rows and each new text's :func:`fold_for_matching` (``None``
    where it is not known without folding again): the quality flags and the last duplicate pass need it."""
    require_columns(articles, ("doc_id", "outlet", "text"), "articles")
    if min_articles < 2:
        raise ValueError(f"min_articles={min_articles}: use 2 or more (a paragraph in one article is not repeated)")
    texts = [t if isinstance(t, str) else "" for t in articles["text"].tolist()]
    folds = [fold_paragraphs(t) for t in texts]
    paragraphs, folded, whole = ([f.paragraphs for f in folds], [f.folded for f in folds], [f.whole for f in folds])
    keys = folded
    outlets = [str(o) for o in articles["outlet"].tolist()]
    doc_ids = [str(d) for d in articles["doc_id"].tolist()]
    lengths = [[len(p) for p in ps] for ps in paragraphs]
    groups = (list(range(len(texts))) if same_story_threshold is None
              else _story_groups(texts, doc_ids, outlets, keys, lengths, threshold=same_story_threshold,
                                 cache=cache, folded=whole))
    cross = _cross_article_keys(keys, outlets, groups, min_articles=min_articles, min_chars=min_chars)

    new_texts, removed_chars, rows, matching = [], [], [], []
    rows_in = zip(doc_ids, texts, outlets, folds, strict=True)
    for doc, text, outlet, (ps, fs, _, by_line) in progress.bar(rows_in, total=len(doc_ids), desc="clean",
                                                                unit="article"):
        reasons = {i: f"repeated in {cross[(outlet, f)]} articles of {outlet}"
                   for i, f in enumerate(fs) if (outlet, f) in cross}
        for i, why in _within_article(fs, fs, min_chars=min_chars).items():
            reasons.setdefault(i, why)
        reasons.update(_cta_neighbours(fs, reasons))
        cleaned = _rebuild(text, set(reasons))
        new_texts.append(cleaned)
        removed_chars.append(len(text) - len(cleaned))
        rows += [(doc, "boilerplate", "removed paragraph", reasons[i], ps[i][:DETAIL_CHARS]) for i in sorted(reasons)]
        # the kept paragraphs' folds, joined, where they are the new text's own (see fold_paragraphs)
        matching.append(" ".join(f for i, f in enumerate(fs) if f and i not in reasons) if by_line else None)
    out = articles.copy()
    out["text"] = text_column(new_texts, articles["text"])
    out["n_chars_removed"] = np.asarray(removed_chars, dtype=np.int64)
    log.info("clean: removed %d boilerplate paragraphs (%d characters) from %d of %d articles", len(rows),
             sum(removed_chars), sum(n > 0 for n in removed_chars), len(texts))
    return out, rows, matching


# Two articles of one outlet are versions of one story (an update, a running
# campaign story) when they share at least this many rare paragraphs covering
# this share of the shorter one. Found on AllSides: two Fox News election
# stories sharing 9 paragraphs (33% of the shorter, shingle Jaccard 0.25)
# would otherwise lose all nine as "boilerplate".
STORY_MIN_SHARED = 3
STORY_MIN_FRACTION = 0.25
# Only paragraphs in at most this many articles of the outlet count as shared
# story text; a footer in fifty articles says nothing about any two of them.
STORY_PARAGRAPH_CAP = 5


def _story_groups(texts: list[str], ids: list[str], outlets: list[str], keys: list[list[str]],
                  lengths: list[list[int]], *, threshold: float, cache: dict | None = None,
                  folded: list[str] | None = None) -> list[int]:
    """A group number per article: near duplicates and versions of one story share one.

    Used to count boilerplate support in stories, not rows.
    """
    edges: list[tuple[int, int]] = []
    # object columns: a string column would copy every text into Arrow and back
    frame = pd.DataFrame({"doc_id": pd.Series([f"{i}\x1f{d}" for i, d in enumerate(ids)], dtype=object),
                          "text": pd.Series(texts, dtype=object)})
    position = {d: i for i, d in enumerate(frame["doc_id"])}
    dupes = find_near_duplicates(frame, threshold=threshold, cache=cache, folded=folded)
    edges += [(position[doc], position[canonical]) for doc, canonical in zip(dupes["doc_id"], dupes["canonical_doc_id"])]

    # Each paragraph key's articles (with its length in each, the last copy's) where two or more hold it; a key's
    # first article and length are kept apart until a second appears, so no dict is made for the others.
    holders: dict[tuple[str, str], dict[int, int]] = {}
    first: dict[str, dict[str, int]] = defaultdict(dict)
    first_length: dict[str, dict[str, int]] = defaultdict(dict)
    for i, (outlet, ks, ls) in enumerate(zip(outlets, keys, lengths)):
        articles, article_lengths = first[outlet], first_length[outlet]
        for k, n in zip(ks, ls):
            j = articles.setdefault(k, i)
            if j == i:
                article_lengths[k] = n
            else:
                holders.setdefault((outlet, k), {j: article_lengths[k]})[i] = n
    shared: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for docs in holders.values():
        if 2 <= len(docs) <= STORY_PARAGRAPH_CAP:
            for i in docs:
                for j in docs:
                    if i < j:
                        shared[(i, j)][0] += 1
                        shared[(i, j)][1] += docs[i]
    for (i, j), (n_paragraphs, n_chars) in sorted(shared.items()):
        shorter = min(len(texts[i]), len(texts[j]))
        if n_paragraphs >= STORY_MIN_SHARED and n_chars >= STORY_MIN_FRACTION * shorter:
            edges.append((i, j))
    return components(len(texts), edges).tolist()
