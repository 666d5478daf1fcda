"""Clean: normalise characters, strip boilerplate, flag poor text, mark duplicates.

Every change is written to a long cleaning log (one row per article and
action, with the reason), and nothing is dropped: duplicates and flagged
articles stay in the table, marked, so the analysis stages decide what to
exclude and a reviewer can see why.

Stored text stays typographic (curly quotes, dashes): the quote detection
downstream needs to tell “ from ". All comparisons (boilerplate, titles,
duplicates) go through :func:`fold_for_matching` instead.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.core import defaults, progress, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.text.characters import character_changes, fold_for_matching, fold_paragraphs, normalise_characters
from analysis.text.duplicates import find_near_duplicates
from analysis.text.furniture import remove_furniture

log = logging.getLogger("analysis")

# --- output tables (schemas for analysis.core.tables) ----------------------------

#: Columns ``clean_articles`` adds to the articles table, with their dtype kind.
CLEAN_COLUMNS: dict[str, str] = {
    "n_chars_removed": "int",      # characters removed by normalisation and boilerplate removal
    "canonical_doc_id": "str",     # doc_id of the cluster's canonical article (itself if not a duplicate)
    "is_duplicate": "bool",        # True when canonical_doc_id != doc_id
    "quality_flags": "str",        # ";"-joined flags from quality_flags(), "" if none
}
#: The cleaning log: key (doc_id, seq).
LOG_COLUMNS: dict[str, str] = {
    "doc_id": "str",   # article the row is about
    "seq": "int",      # 0-based order of the row within the article's log (makes the key unique)
    "step": "str",     # characters, boilerplate, quality, duplicates
    "action": "str",   # what was done, e.g. "removed paragraph", "flagged", "marked duplicate"
    "reason": "str",   # why, in words a reviewer can check
    "detail": "str",   # the evidence: first 80 characters of the paragraph, a count, the canonical id
}
#: ``quality_flags``: one row per flag raised.
FLAG_COLUMNS: dict[str, str] = {"doc_id": "str", "flag": "str", "detail": "str"}

DETAIL_CHARS = 80

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
    out, rows, _ = _remove_boilerplate(articles, min_articles=min_articles, min_chars=min_chars,
                                       same_story_threshold=same_story_threshold, cache=cache)
    return out, _log_frame(rows)


def _remove_boilerplate(articles: pd.DataFrame, *, min_articles: int, min_chars: int,
                        same_story_threshold: float | None,
                        cache: dict | None) -> tuple[pd.DataFrame, list[tuple], list[str | None]]:
    """:func:`remove_boilerplate`, with the log as rows and each new text's :func:`fold_for_matching` (``None``
    where it is not known without folding again): the quality flags and the last duplicate pass need it."""
    _require(articles, ("doc_id", "outlet", "text"), "articles")
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
    out["text"] = _text_column(new_texts, articles["text"])
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
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = sorted((find(i), find(j)))
        parent[b] = a

    # object columns: a string column would copy every text into Arrow and back
    frame = pd.DataFrame({"doc_id": pd.Series([f"{i}\x1f{d}" for i, d in enumerate(ids)], dtype=object),
                          "text": pd.Series(texts, dtype=object)})
    position = {d: i for i, d in enumerate(frame["doc_id"])}
    dupes = find_near_duplicates(frame, threshold=threshold, cache=cache, folded=folded)
    for doc, canonical in zip(dupes["doc_id"], dupes["canonical_doc_id"]):
        union(position[doc], position[canonical])

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
            union(i, j)
    return [find(i) for i in range(len(texts))]


# --- quality flags ---------------------------------------------------------

# Text that means the extractor got a banner or a paywall instead of the article.
COOKIE_OR_PAYWALL = re.compile(
    r"\baccept (?:all )?cookies\b|\bwe use cookies\b|\bcookie (?:policy|settings|preferences)\b"
    r"|\bsubscribe to (?:continue|keep) reading\b|\bto continue reading\b.{0,40}\bsubscri"
    r"|\byou have reached (?:your|the) (?:free )?(?:article )?limit\b|\bfree articles? (?:left|remaining)\b"
    r"|\bthis (?:article|content) is (?:only )?(?:available )?(?:for|to) (?:subscribers|members)\b"
    r"|\bplease (?:enable|turn on) javascript\b|\balready a subscriber\?"
)
# One of these is in every text COOKIE_OR_PAYWALL matches (each alternative holds one): substring tests in C
# before a pattern that opens with ``\b`` and an alternation, which the regex engine tries at every position.
_COOKIE_OR_PAYWALL_WORDS = ("cookie", "subscribe to ", "to continue reading", "you have reached", "free article",
                            "this article is", "this content is", "javascript", "already a subscriber?")


def _starts_with_words(text: str, prefix: str) -> bool:
    """``text`` starts with ``prefix`` at a word boundary (regex ``prefix(?!\\w)``, without compiling a pattern for
    every title: that compile was a tenth of the quality flags' time)."""
    if not text.startswith(prefix):
        return False
    following = text[len(prefix):len(prefix) + 1]
    return not (following.isalnum() or following == "_")


def quality_flags(articles: pd.DataFrame, *, min_words: int = 50,
                  folded: list[str | None] | None = None) -> pd.DataFrame:
    """Flags, one row each: ``empty``, ``too_short`` (< ``min_words`` words), ``cookie_or_paywall``,
    ``title_repeated_in_body`` (the folded body starts with the folded title, at a word boundary).

    Flags mark text a reviewer should look at; they remove nothing. ``folded``: each text's
    :func:`fold_for_matching` where the caller has it (``None`` where not).
    """
    _require(articles, ("doc_id", "text"), "articles")
    titles = articles["title"].tolist() if "title" in articles else [""] * len(articles)
    known = folded if folded is not None else [None] * len(articles)
    rows = []
    for doc, text, title, folded_text in zip(articles["doc_id"].tolist(), articles["text"].tolist(), titles, known,
                                             strict=True):
        text = text if isinstance(text, str) else ""
        folded_text = fold_for_matching(text) if folded_text is None else folded_text
        # single-spaced with no space at either end: the words are one more than the spaces
        n_words = folded_text.count(" ") + 1 if folded_text else 0
        if not folded_text:
            rows.append((str(doc), "empty", "no text"))
        elif n_words < min_words:
            rows.append((str(doc), "too_short", f"{n_words} words (< {min_words})"))
        if (any(w in folded_text for w in _COOKIE_OR_PAYWALL_WORDS)
                and (match := COOKIE_OR_PAYWALL.search(folded_text))):
            rows.append((str(doc), "cookie_or_paywall", f"matched {match.group(0)!r}"))
        folded_title = fold_for_matching(title if isinstance(title, str) else "")
        if folded_title and _starts_with_words(folded_text, folded_title):
            rows.append((str(doc), "title_repeated_in_body", folded_title[:DETAIL_CHARS]))
    return tables.typed_frame(rows, FLAG_COLUMNS)


# --- the whole step --------------------------------------------------------

def normalise_articles(articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply :func:`normalise_characters` to ``text`` and ``title``; log each changed article."""
    _require(articles, ("doc_id", "text"), "articles")
    out = articles.copy()
    rows = []
    for column in ("title", "text"):
        if column not in out:
            continue
        before = [t if isinstance(t, str) else "" for t in out[column].tolist()]
        after = [normalise_characters(t) for t in before]
        for doc, b, a in zip(out["doc_id"].tolist(), before, after):
            if a != b:
                rows.append((str(doc), "characters", f"normalised {column}", character_changes(b, a),
                             f"{len(b)} -> {len(a)} characters"))
        out[column] = _text_column(after, out[column])
    return out, _log_frame(rows)


# The Hill's person cards, flattened into the text by scrapers: after a name in the text comes the
# person's full name glued to three of their latest headlines, ending in "MORE" ("Sen. Marco Rubio
# Marco Antonio RubioGOP senators plan to ... colleagues MORE (R-Fla.) vowed"). The card repeats the
# last name of the name before it, which is what keeps ordinary capitalised text safe.
INLINE_CARD = re.compile(
    r"(?P<last>[A-Z][a-z][\w'’-]*) (?P<card>(?:\(?[A-Z](?:[a-z.'’][\w.'’()-]*)?\s){1,4}(?P=last)"
    r"(?=[A-Z\"'“])"
    r"[^\n]{0,600}? MORE)(?=[\s,.;:)]|$)")


def remove_inline_cards(articles: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cut link cards flattened into sentences (see ``INLINE_CARD``); log each cut."""
    out = articles.copy()
    rows, texts = [], []
    for doc, text in zip(out["doc_id"].tolist(), out["text"].tolist()):
        kept, last = [], 0
        # " MORE" ends every card: a search in C rules out most texts before a pattern tried at every capital.
        for m in INLINE_CARD.finditer(text) if " MORE" in text else ():
            kept.append(text[last:m.start("card") - 1])  # the space before the card goes with it
            last = m.end("card")
            rows.append((str(doc), "boilerplate", "removed inline link card",
                         "person card with headlines glued into the text (name, name again, headlines, MORE)",
                         m.group("card")[:DETAIL_CHARS]))
        texts.append("".join(kept) + text[last:])
    out["text"] = _text_column(texts, out["text"])
    return out, _log_frame(rows)


def clean_articles(articles: pd.DataFrame, *, min_articles: int = 2, min_chars: int = 20, min_words: int = 50,
                   threshold: float = 0.8, num_perm: int = 128, shingle: int = 5,
                   seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Characters, then page furniture and boilerplate, then quality flags, then near duplicates; nothing dropped.

    Returns (articles with ``CLEAN_COLUMNS`` added, the cleaning log with
    ``LOG_COLUMNS``). Duplicates are detected on cleaned text, so an outlet's
    boilerplate cannot make two of its articles look alike.
    """
    _require(articles, ("doc_id", "outlet", "text"), "articles")
    original = [len(t) if isinstance(t, str) else 0 for t in articles["text"].tolist()]
    # Text kept as Python strings between the steps, made a string column once at the end (see _text_column).
    work = articles.copy()
    for column in ("title", "text"):
        if column in work:
            work[column] = work[column].astype(object)
    normalised, char_log = normalise_articles(work)
    normalised, card_log = remove_inline_cards(normalised)
    normalised, furniture_rows, paywalled = remove_furniture(normalised)
    furniture_log = _log_frame([(d, step, action, reason, detail[:DETAIL_CHARS])
                                for d, step, action, reason, detail in furniture_rows])
    # Most articles lose no boilerplate: their shingles and MinHash from the story grouping are reused below.
    signatures: dict = {}
    cleaned, boiler_rows, matching = _remove_boilerplate(normalised, min_articles=min_articles, min_chars=min_chars,
                                                         same_story_threshold=threshold, cache=signatures)
    boiler_log = _log_frame(boiler_rows)
    texts = cleaned["text"].tolist()
    cleaned["n_chars_removed"] = np.asarray(original, dtype=np.int64) - np.fromiter(map(len, texts), dtype=np.int64,
                                                                                     count=len(texts))
    matching = [fold_for_matching(t) if m is None else m for t, m in zip(texts, matching)]
    flags = quality_flags(cleaned, min_words=min_words, folded=matching)
    if paywalled:  # the notice itself went with the furniture; the text it cut off is still short of the article
        flags = pd.concat([flags, pd.DataFrame([(d, "paywall_or_truncated", f"removed notice {n[:60]!r}")
                                                for d, n in paywalled.items()], columns=list(FLAG_COLUMNS))],
                          ignore_index=True)
    joined = flags.groupby("doc_id", sort=False)["flag"].agg(";".join)
    cleaned["quality_flags"] = cleaned["doc_id"].astype(str).map(joined).astype("str").fillna("")
    flag_log = _log_frame([(d, "quality", "flagged", f, x) for d, f, x in flags.itertuples(index=False)])

    dupes = find_near_duplicates(cleaned, threshold=threshold, num_perm=num_perm, shingle=shingle, seed=seed,
                                 cache=signatures, folded=matching)
    del signatures, matching
    canonical = dict(zip(dupes["doc_id"], dupes["canonical_doc_id"]))
    ids = cleaned["doc_id"].astype(str)
    cleaned["canonical_doc_id"] = ids.map(lambda d: canonical.get(d, d)).astype("str")
    cleaned["is_duplicate"] = (cleaned["canonical_doc_id"] != ids).to_numpy(bool)
    dupe_log = _log_frame([
        (r.doc_id, "duplicates", "marked duplicate",
         f"{r.kind} duplicate of {r.canonical_doc_id} (Jaccard {r.jaccard:.3f}, MinHash estimate {r.similarity:.3f})",
         r.canonical_doc_id)
        for r in dupes.itertuples(index=False)])

    for column in ("title", "text"):
        if column in cleaned:
            cleaned[column] = cleaned[column].astype("str")
    steps = pd.concat([char_log, card_log, furniture_log, boiler_log, flag_log, dupe_log], ignore_index=True)
    return cleaned, _number(steps)


# --- helpers ---------------------------------------------------------------

def _text_column(values: list[str], like: pd.Series) -> pd.Series:
    """``values`` as a text column in the place of ``like``: pandas' string dtype, or object where ``like`` is
    (:func:`clean_articles` keeps text as Python strings between its steps: a string column at every step copied
    each text into Arrow and back out, a tenth of the stage on the AllSides corpus)."""
    return pd.Series(values, index=like.index, dtype=object if like.dtype == object else "str")


def _require(df: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name}: missing columns {missing}; got {list(df.columns)}")


def _log_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows of (doc_id, step, action, reason, detail) as a numbered log."""
    frame = pd.DataFrame(rows, columns=["doc_id", "step", "action", "reason", "detail"])
    return _number(frame)


def _number(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``seq``: position of each row within its article's log, in step order."""
    frame = frame.reset_index(drop=True).copy()
    frame["seq"] = frame.groupby("doc_id", sort=False).cumcount().astype("int64") if len(frame) else 0
    names = tables.schema("cleaning_log").names
    return tables.from_rows(list(frame[names].itertuples(index=False, name=None)), "cleaning_log")


def run(study: Study, paths: StudyPaths) -> None:
    """The clean stage: ``articles_raw`` into ``articles`` and ``cleaning_log``; nothing dropped, everything logged."""
    raw = storage.read_table(paths.table("articles_raw"))
    cleaned, cleaning_log = clean_articles(raw)
    if "ingest_flags" in raw:  # mojibake repaired, text truncated: raised while reading, kept with the others
        read = cleaned["doc_id"].map(raw.set_index("doc_id")["ingest_flags"]).fillna("")
        cleaned["quality_flags"] = [";".join(x for x in (r, q) if x) for r, q in zip(read, cleaned["quality_flags"])]
    # Non-English text is kept and flagged, never dropped silently.
    other = cleaned["language"] != "en"
    flag = cleaned["language"].map(lambda lang: "language_unknown" if lang == "und" else f"non_english:{lang}")
    cleaned.loc[other, "quality_flags"] = [";".join(x for x in (q, f) if x) for q, f in
                                           zip(cleaned.loc[other, "quality_flags"], flag[other])]
    # Sorted by doc_id in row groups of one partition each: prepare and measure read one at a time.
    cleaned = cleaned.sort_values("doc_id", kind="stable", ignore_index=True)
    storage.write_table(tables.validate(cleaned, "articles"), paths.table("articles"),
                        row_group_size=defaults.PARTITION_ARTICLES)
    storage.write_table(tables.validate(cleaning_log, "cleaning_log"), paths.table("cleaning_log"))
    cards = cleaning_log["action"] == "removed inline link card"
    removed = int(((cleaning_log["step"] == "boilerplate") & ~cards).sum())
    log.info("clean: %d boilerplate paragraphs and %d inline link cards removed, %d duplicates marked, "
             "%d articles flagged", removed, int(cards.sum()),
             int(cleaned["is_duplicate"].sum()), int((cleaned["quality_flags"] != "").sum()))
