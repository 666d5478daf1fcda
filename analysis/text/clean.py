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

import numpy as np
import pandas as pd

from analysis.core import defaults, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.study import Study
from analysis.text.boilerplate import remove_boilerplate_rows
from analysis.text.characters import character_changes, fold_for_matching, normalise_characters
from analysis.text.clean_log import DETAIL_CHARS, log_frame, number_log, require_columns, text_column
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
    require_columns(articles, ("doc_id", "text"), "articles")
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
    require_columns(articles, ("doc_id", "text"), "articles")
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
        out[column] = text_column(after, out[column])
    return out, log_frame(rows)


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
    out["text"] = text_column(texts, out["text"])
    return out, log_frame(rows)


def clean_articles(articles: pd.DataFrame, *, min_articles: int = 2, min_chars: int = 20, min_words: int = 50,
                   threshold: float = 0.8, num_perm: int = 128, shingle: int = 5,
                   seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Characters, then page furniture and boilerplate, then quality flags, then near duplicates; nothing dropped.

    Returns (articles with ``CLEAN_COLUMNS`` added, the cleaning log with
    ``LOG_COLUMNS``). Duplicates are detected on cleaned text, so an outlet's
    boilerplate cannot make two of its articles look alike.
    """
    require_columns(articles, ("doc_id", "outlet", "text"), "articles")
    original = [len(t) if isinstance(t, str) else 0 for t in articles["text"].tolist()]
    # Text kept as Python strings between the steps, made a string column once at the end (see text_column).
    work = articles.copy()
    for column in ("title", "text"):
        if column in work:
            work[column] = work[column].astype(object)
    normalised, char_log = normalise_articles(work)
    normalised, card_log = remove_inline_cards(normalised)
    normalised, furniture_rows, paywalled = remove_furniture(normalised)
    furniture_log = log_frame([(d, step, action, reason, detail[:DETAIL_CHARS])
                                for d, step, action, reason, detail in furniture_rows])
    # Most articles lose no boilerplate: their shingles and MinHash from the story grouping are reused below.
    signatures: dict = {}
    cleaned, boiler_rows, matching = remove_boilerplate_rows(normalised, min_articles=min_articles,
                                                             min_chars=min_chars, same_story_threshold=threshold,
                                                             cache=signatures)
    boiler_log = log_frame(boiler_rows)
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
    flag_log = log_frame([(d, "quality", "flagged", f, x) for d, f, x in flags.itertuples(index=False)])

    dupes = find_near_duplicates(cleaned, threshold=threshold, num_perm=num_perm, shingle=shingle, seed=seed,
                                 cache=signatures, folded=matching)
    del signatures, matching
    canonical = dict(zip(dupes["doc_id"], dupes["canonical_doc_id"]))
    ids = cleaned["doc_id"].astype(str)
    cleaned["canonical_doc_id"] = ids.map(lambda d: canonical.get(d, d)).astype("str")
    cleaned["is_duplicate"] = (cleaned["canonical_doc_id"] != ids).to_numpy(bool)
    dupe_log = log_frame([
        (r.doc_id, "duplicates", "marked duplicate",
         f"{r.kind} duplicate of {r.canonical_doc_id} (Jaccard {r.jaccard:.3f}, MinHash estimate {r.similarity:.3f})",
         r.canonical_doc_id)
        for r in dupes.itertuples(index=False)])

    for column in ("title", "text"):
        if column in cleaned:
            cleaned[column] = cleaned[column].astype("str")
    steps = pd.concat([char_log, card_log, furniture_log, boiler_log, flag_log, dupe_log], ignore_index=True)
    return cleaned, number_log(steps)


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
