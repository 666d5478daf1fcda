"""The outlet registry (``data/outlets.csv``) and resolving articles to outlets.

Columns: ``outlet`` (canonical name), ``aliases`` and ``domains``
(semicolon-separated), ``outlet_type``, ``country``, ``leaning`` and
``leaning_source`` (who rated it). A source name is matched against the
aliases first, because aggregators such as AllSides file several outlets
under one domain (its "Guest Writer - Right" pieces live on nationalreview.com);
the URL's domain is the fallback.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

import pandas as pd

from analysis.collect.rows import Problem
from analysis.core.errors import StudyConfigError

REGISTRY_COLUMNS = ["outlet", "aliases", "domains", "outlet_type", "country", "leaning", "leaning_source"]
LEANING_ORDER = ("left", "lean left", "center", "lean right", "right", "unrated")
LEANINGS = set(LEANING_ORDER)


def load_registry(path) -> pd.DataFrame:
    """Read and check the registry; one row per outlet."""
    try:
        reg = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise StudyConfigError(f"{path}: cannot read outlet registry ({exc})") from None
    missing = [c for c in REGISTRY_COLUMNS if c not in reg.columns]
    if missing:
        raise StudyConfigError(f"{path}: outlet registry lacks columns {missing}")
    bad = reg.loc[~reg["leaning"].isin(LEANINGS)]
    if len(bad):
        row = bad.index[0] + 2  # header is line 1
        raise StudyConfigError(
            f"{path}: line {row}: leaning {bad['leaning'].iloc[0]!r}; allowed: {', '.join(sorted(LEANINGS))}"
        )
    if reg["outlet"].duplicated().any():
        raise StudyConfigError(f"{path}: outlet names repeat: {sorted(reg.loc[reg['outlet'].duplicated(), 'outlet'])}")
    return reg


def domain_of(url: str | None) -> str:
    if not isinstance(url, str) or not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:  # e.g. "http://[bad": an unusable URL just has no domain
        return ""
    return host.removeprefix("www.").lower()


def lookup_tables(registry: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """(alias -> registry row, domain -> registry row): built once per registry, as ``original_outlet``'s ``lookup``."""
    by_alias: dict[str, int] = {}
    by_domain: dict[str, int] = {}
    for i, row in registry.iterrows():
        for alias in [row["outlet"], *row["aliases"].split(";")]:
            if alias.strip():
                by_alias.setdefault(alias.strip().casefold(), i)
        for dom in row["domains"].split(";"):
            if dom.strip():
                by_domain.setdefault(dom.strip().lower().removeprefix("www."), i)
    return by_alias, by_domain


def _match_domain(domain: str, by_domain: dict[str, int]) -> int | None:
    # Walk up sub-domains: edition.cnn.com -> cnn.com.
    parts = domain.split(".")
    for k in range(len(parts) - 1):
        hit = by_domain.get(".".join(parts[k:]))
        if hit is not None:
            return hit
    return None


def resolve_outlets(articles: pd.DataFrame, *, registry: pd.DataFrame) -> pd.DataFrame:
    """Add ``outlet``, ``outlet_type``, ``country``, ``leaning``, ``leaning_source``.

    ``articles`` needs ``source_outlet`` and ``url``; an optional
    ``dataset_label`` holding left/center/right is used as the leaning of
    outlets the registry does not know (marked as such in ``leaning_source``).
    """
    by_alias, by_domain = lookup_tables(registry)
    rows = []
    for name, url, label in zip(
        articles["source_outlet"], articles["url"], articles.get("dataset_label", pd.Series([None] * len(articles)))
    ):
        hit = by_alias.get(str(name).strip().casefold())
        if hit is None:
            hit = _match_domain(domain_of(url), by_domain)
        if hit is not None:
            r = registry.loc[hit]
            rows.append((r["outlet"], r["outlet_type"], r["country"], r["leaning"], r["leaning_source"]))
        elif isinstance(label, str) and label in LEANINGS:
            rows.append((str(name), "unclassified", "unknown", label, "source dataset label"))
        else:
            rows.append((str(name), "unclassified", "unknown", "unrated", "none"))
    resolved = pd.DataFrame(rows, columns=["outlet", "outlet_type", "country", "leaning", "leaning_source"],
                            index=articles.index)
    # A dataset can label one outlet's articles differently (AllSides rated ProPublica center on some articles
    # and left on others); a leaning is an outlet's, so each such outlet takes its most frequent label (ties:
    # the first in LEANING_ORDER) and says so, keeping one leaning, and one colour, per outlet.
    from_label = resolved["leaning_source"] == "source dataset label"
    if from_label.any():
        labelled = resolved.loc[from_label]
        mixed = labelled.groupby("outlet")["leaning"].nunique()
        mixed = set(mixed[mixed > 1].index)
        if mixed:
            rank = {lean: i for i, lean in enumerate(LEANING_ORDER)}
            counts = (labelled.loc[labelled["outlet"].isin(mixed)].groupby(["outlet", "leaning"]).size()
                      .reset_index(name="n"))
            counts = counts.assign(order=counts["leaning"].map(rank)).sort_values(["outlet", "n", "order"],
                                                                                  ascending=[True, False, True])
            modal = counts.drop_duplicates("outlet").set_index("outlet")["leaning"]
            fix = from_label & resolved["outlet"].isin(mixed)
            resolved.loc[fix, "leaning"] = resolved.loc[fix, "outlet"].map(modal)
            resolved.loc[fix, "leaning_source"] = "source dataset label (most frequent for the outlet)"
    return articles.drop(columns=[c for c in resolved.columns if c in articles.columns]).join(resolved)


def unresolved(articles: pd.DataFrame) -> list[str]:
    """Outlet names that the registry did not know and no import described (for the ingest log)."""
    unknown = (articles["outlet_type"] == "unclassified") & (articles["leaning"] == "unrated")
    return sorted(articles.loc[unknown, "outlet"].unique())


def closest_known(name: str, registry: pd.DataFrame, *, cutoff: float = 0.85) -> str | None:
    """The registry outlet whose name or alias is spelt most like ``name`` ("Reuter" -> "Reuters"), or None.

    difflib's ratio, case-folded; 0.85 takes a dropped, added or swapped letter in a name of six or more and
    leaves distinct names apart ("CNBC News" and "BBC News" are 0.82).
    """
    by_alias, _ = lookup_tables(registry)
    close = difflib.get_close_matches(str(name).strip().casefold(), list(by_alias), n=1, cutoff=cutoff)
    return str(registry.loc[by_alias[close[0]], "outlet"]) if close else None


_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def check_import_metadata(row: dict, *, name: str, line: int) -> list:
    """Problems with the outlet metadata of one import row; an unusable value is dropped, the row kept."""
    problems = []
    checks = {"leaning": (lambda v: v.lower() in LEANINGS, f"use one of {', '.join(LEANING_ORDER)}"),
              "country": (lambda v: bool(_COUNTRY.match(v.upper())), "use an ISO 3166 alpha-2 code such as US or CN"),
              "language": (lambda v: bool(_LANGUAGE.match(v.lower())), "use an ISO 639-1 code such as en or zh")}
    for key, (ok, hint) in checks.items():
        value = row.get(key)
        if value is None:
            continue
        if ok(value):
            row[key] = value.lower() if key in ("leaning", "language") else value.upper()
        else:
            problems.append(Problem(name, line, f"{key} {value!r} not understood ({hint}); left out"))
            row[key] = None
    return problems


def merge_import_metadata(articles: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Fill outlet type, country and leaning from an import's ``import_*`` columns where the registry is silent.

    The registry (``data/outlets.csv``) stays the one source of truth for the outlets it knows, so an outlet
    keeps one leaning and one colour across studies; an import that disagrees with it is reported, not applied.
    Returns the articles (``import_*`` columns dropped) and one line per disagreement.
    """
    out = articles.copy()
    conflicts: dict[tuple[str, str], str] = {}
    unknown_value = {"outlet_type": "unclassified", "country": "unknown", "leaning": "unrated"}
    for column, empty in unknown_value.items():
        given = out.get(f"import_{column}")
        if given is None:
            continue
        # One value per outlet (an outlet has one leaning and one colour): the most frequent the imports give,
        # applied to all of the outlet's articles, with a line when the imports disagree among themselves.
        stated = pd.DataFrame({"outlet": out["outlet"], "value": given}).dropna()
        counts = stated.groupby(["outlet", "value"]).size().reset_index(name="n").sort_values(
            ["outlet", "n", "value"], ascending=[True, False, True])
        for outlet, values in counts.groupby("outlet")["value"]:
            if len(values) > 1:
                conflicts.setdefault((outlet, column), f"{outlet}: the imports give {column} "
                                     f"{', '.join(map(repr, values))}; {values.iloc[0]!r}, the most frequent, is used")
        given = out["outlet"].map(counts.drop_duplicates("outlet").set_index("outlet")["value"])
        fill = given.notna() & (out[column] == empty)
        out.loc[fill, column] = given[fill]
        if column == "leaning":
            source = out.get("import_leaning_source", pd.Series(None, index=out.index))
            out.loc[fill, "leaning_source"] = source[fill].where(source[fill].notna(), "import file")
        clash = given.notna() & (out[column] != empty) & (out[column] != given) & ~fill
        for outlet, value, mine in zip(out.loc[clash, "outlet"], given[clash], out.loc[clash, column]):
            conflicts.setdefault((outlet, column), f"{outlet}: the import gives {column} {value!r}, the outlet "
                                                   f"registry {mine!r}; the registry's is kept (edit it to change)")
    dropped = out.drop(columns=[c for c in out.columns if c.startswith("import_")
                                and c not in ("import_language", "import_original_outlet")])
    return dropped, list(conflicts.values())


_REPOST_CUES = re.compile(
    r"(?i:originally|first)\s+(?i:appeared|published|ran)\s+(?i:in|on|by|at)\s+(?:[Tt]he\s+)?"
    r"(?P<name>[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,5})"
    r"|(?i:republished|reprinted)\s+(?i:with\s+permission\s+)?(?i:from)\s+(?:[Tt]he\s+)?(?P<name2>[A-Z][\w.&'-]*(?:\s+[A-Z][\w.&'-]*){0,5})"
)


def original_outlet(*, publisher: str, text: str, canonical_url: str | None, registry: pd.DataFrame,
                    lookup: tuple[dict[str, int], dict[str, int]] | None = None) -> str | None:
    """The outlet a repost comes from, or None for original reporting.

    Two signals, both common on republished articles: a canonical link
    pointing to another outlet's domain, and a credit line such as "This
    article originally appeared in The New York Times". A name is accepted
    only when the registry knows it, so free text never invents an outlet.
    ``lookup`` is ``lookup_tables(registry)``, passed by callers that ask for
    many articles (building it reads every registry row: half of ingest's
    time on AllSides when it was rebuilt per article).
    """
    by_alias, by_domain = lookup if lookup is not None else lookup_tables(registry)
    hit = _match_domain(domain_of(canonical_url), by_domain) if canonical_url else None
    if hit is not None and registry.loc[hit, "outlet"] == publisher:
        hit = None  # a self-canonical page says nothing; look for a credit line
    if hit is None:
        for m in _REPOST_CUES.finditer(text or ""):
            words = (m.group("name") or m.group("name2") or "").split()
            # Longest registry name at the start of the captured words ("The New York Times on Monday").
            for k in range(len(words), 0, -1):
                hit = by_alias.get(" ".join(words[:k]).strip(".,").casefold())
                if hit is not None:
                    break
            if hit is not None:
                break
    if hit is None:
        return None
    name = registry.loc[hit, "outlet"]
    return None if name == publisher else name
