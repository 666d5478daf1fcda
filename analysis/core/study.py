"""Study definitions: ``data/studies/<study>/study.toml`` parsed into frozen dataclasses.

Every key is checked: an unknown key, a wrong type, a bad date or regex, or a
missing file is a :class:`StudyConfigError` that names the file, the key and
what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from analysis.core import defaults, patterns, storage
from analysis.core.catalog import ARTICLE_DATASETS, DATASETS, TEXT_DATASETS
from analysis.core.config import StudyPaths, study_ids
from analysis.core.errors import StudyConfigError
from analysis.core.study_reader import Reader, date, regexes
from analysis.core.study_sentiment import (  # noqa: F401 (re-exported: the rooms read them from analysis.core.study)
    ACTOR_INSTRUMENTS,
    KNOWN_ACTOR_INSTRUMENTS,
    SENTENCE_INSTRUMENTS,
    Dictionary,
    ModelInstrument,
    SentimentSettings,
    parse_sentiment,
)

SourceKind = Literal["dataset", "files", "imports", "urls", "feed", "html"]
ActorType = Literal["company", "government", "person", "group", "organization", "place", "other"]
# Who a quoted speaker speaks for (analysis.provenance.quotes); an actor may name its own.
SourceType = Literal["us_government", "chinese_government", "government_other", "company", "ngo_advocacy", "expert",
                     "media", "anonymous", "other"]
GroupVar = Literal["outlet", "leaning", "outlet_type", "country"]
STUDY_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class MatchClause:
    """An article passes when the patterns match at least ``min_hits`` times in title + text."""

    patterns: tuple[str, ...]
    min_hits: int = 1


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    dataset: str | None = None
    file: str | None = None
    path: str | None = None
    pattern: str = "*.txt"
    match: tuple[MatchClause, ...] = ()
    outlet: str | None = None
    title: str | None = None
    url: str | None = None
    published: str | None = None
    skip_lines: int = 0
    sample: int | None = None  # dataset sources: keep this many matching records (a hash sample, see ingest)


@dataclass(frozen=True)
class Actor:
    name: str
    type: ActorType
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    # Phrases (written like aliases) inside which a match is not this actor: "World Uyghur Congress".
    not_within: tuple[str, ...] = ()
    # What a quote from this actor counts as; None lets analysis.provenance.quotes infer it from the speaker's words.
    source_type: SourceType | None = None


@dataclass(frozen=True)
class CompareSettings:
    n_boot: int = defaults.N_BOOT
    n_perm: int = defaults.N_PERM
    confidence: float = defaults.CONFIDENCE
    min_articles: int = defaults.MIN_ARTICLES


@dataclass(frozen=True)
class Referent:
    """One thing outlets name differently: each label and the regexes that spell it."""

    name: str
    labels: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class FramingSettings:
    # Shipped codebooks by name (generic_news_frames, policy_frames, entity_list) or paths to your own.
    codebooks: tuple[str, ...] = ("generic_news_frames",)
    # Coded data to train the supervised frame classifier on: "narrative_frames", or "" for none.
    classifier: str = "narrative_frames"
    terms_by: tuple[str, ...] = ("leaning",)
    topics: int | str = "auto"


@dataclass(frozen=True)
class ProvenanceSettings:
    """Thresholds for text reuse and fact matching (see analysis.provenance.reuse and analysis.provenance.facts)."""

    # Share of one article's word 5-gram shingles found in the other for a pair to count as reuse.
    min_containment: float = 0.15
    # Max containment from which a pair is one story's text (a syndicated copy), not a borrowed passage.
    syndication: float = 0.5
    # Cosine distance below which sentences state the same fact; None: the validated default in analysis.provenance.facts.
    fact_threshold: float | None = None
    # Articles that must state a fact for it to appear in the coverage matrix.
    fact_min_articles: int = 2
    # Articles without an event_id are split into bursts of coverage: a gap of more than this many days
    # without an article starts a new event, so an outlet is not said to omit a fact of a story it never
    # covered. 0 treats the whole study as one event (a single-event study).
    event_gap_days: int = 3
    # An event also ends when an article comes more than this many days after the event's first article, so
    # continuous coverage is cut into consecutive windows instead of chaining into one event that spans
    # years. 0: no bound. Ignored when event_gap_days is 0.
    event_max_days: int = 7
    # Wire agencies to recognise besides the built-in ones (analysis.provenance.wire.WIRE_AGENCIES), as
    # the text names them ("Kyodo", "Yonhap"); each is credited under the name given.
    wire_agencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class ValidationSettings:
    """Minimum agreement with the study's own human coders (``python -m analysis codesheet``).

    A measure below either is flagged in red in the report and in the captions of the figures that use it.
    """

    # Krippendorff's alpha between coders; 0.667 is Krippendorff's (2004) floor for tentative conclusions.
    min_alpha: float | None = None
    # The automated measure against the coders: macro F1 (frames, actor sentiment, quotes) or Spearman's rho.
    min_agreement: float | None = None


@dataclass(frozen=True)
class CollectSettings:
    """Politeness settings for web collection (see :class:`analysis.collect.fetch.FetchPolicy`)."""

    user_agent: str | None = None
    per_host_delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    retries: int = 3
    respect_robots: bool = True


@dataclass(frozen=True)
class Study:
    id: str
    title: str
    question: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    keep_undated: bool = False
    # Languages (ISO 639-1) the sentence measures can read; articles detected in another language are kept,
    # counted and left out of the sentences, so VADER and the codebooks never score text they cannot read.
    # Articles too short to tell ('und') are read.
    languages: tuple[str, ...] = ("en",)
    seed: int = 12345
    outlets: str = "data/outlets.csv"
    groups: tuple[GroupVar, ...] = ("outlet", "leaning", "outlet_type")
    sources: tuple[Source, ...] = ()
    actors: tuple[Actor, ...] = ()
    compare: CompareSettings = field(default_factory=CompareSettings)
    sentiment: SentimentSettings = field(default_factory=SentimentSettings)
    framing: FramingSettings = field(default_factory=FramingSettings)
    referents: tuple[Referent, ...] = ()
    collect: CollectSettings = field(default_factory=CollectSettings)
    provenance: ProvenanceSettings = field(default_factory=ProvenanceSettings)
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    # [columns]: the import files' own names for fields, (key, column) pairs such as ("text", "body").
    columns: tuple[tuple[str, str], ...] = ()

    def settings_hash(self) -> str:
        """Hash of every setting, used to decide whether a stage must re-run."""
        settings = asdict(self)
        if not settings["columns"]:  # absent: the hash (printed in reports) stays what it was before [columns]
            del settings["columns"]
        blob = json.dumps(settings, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()


def _parse_source(path: Path, i: int, table: Any) -> Source:
    r = Reader(path, f"sources[{i}]", table)
    kind = r.get("kind", str, allowed=get_args(SourceKind))
    common = ["kind"]

    if kind == "dataset":
        dataset = r.get("dataset", str, allowed=tuple(sorted(ARTICLE_DATASETS)))
        file = r.get("file", str, None, allowed=tuple(DATASETS[dataset].files))
        clauses = []
        for j, raw in enumerate(r.get("match", list, [])):
            m = Reader(path, f"sources[{i}].match[{j}]", raw)
            patterns = regexes(m, "patterns")
            if not patterns:
                m.fail("key 'patterns' must list at least one pattern")
            min_hits = m.get("min_hits", int, 1)
            m.finish(["patterns", "min_hits"])
            clauses.append(MatchClause(patterns, min_hits))
        sample = r.get("sample", int, None)
        r.finish(common + ["dataset", "file", "match", "sample"])
        return Source(kind, dataset=dataset, file=file, match=tuple(clauses), sample=sample)
    if kind == "files":
        src = dict(
            dataset=r.get("dataset", str, None),
            file=r.get("file", str, None),
            path=r.get("path", str, None),
            pattern=r.get("pattern", str, "*.txt"),
            outlet=r.get("outlet", str),
            title=r.get("title", str, None),
            url=r.get("url", str, None),
            published=r.get("published", str, None),
            skip_lines=r.get("skip_lines", int, 0),
        )
        if (src["path"] is None) == (src["dataset"] is None):
            r.fail("give exactly one of 'path' (a file or folder) or 'dataset' (with 'file')")
        if src["dataset"] is not None:
            if src["dataset"] not in TEXT_DATASETS:
                r.fail(f"key 'dataset' is {src['dataset']!r}; allowed: {', '.join(sorted(TEXT_DATASETS))}")
            files = DATASETS[src["dataset"]].files
            if src["file"] is not None and src["file"] not in files:
                r.fail(f"key 'file' is {src['file']!r}; allowed: {', '.join(files)}")
        if src["published"] is not None and not re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", src["published"]):
            r.fail(f"key 'published' is {src['published']!r}; use YYYY-MM-DD or YYYY-MM")
        r.finish(common + ["dataset", "file", "path", "pattern", "outlet", "title", "url", "published", "skip_lines"])
        return Source(kind, **src)
    if kind == "urls":
        src = dict(path=r.get("path", str), outlet=r.get("outlet", str, None))
        r.finish(common + ["path", "outlet"])
        return Source(kind, **src)
    if kind == "feed":
        src = dict(url=r.get("url", str, None), path=r.get("path", str, None), outlet=r.get("outlet", str, None))
        if (src["url"] is None) == (src["path"] is None):
            r.fail("give exactly one of 'url' (a feed address) or 'path' (a saved feed file)")
        if src["url"] is not None and not re.match(r"https?://", src["url"]):
            r.fail(f"key 'url' is {src['url']!r}; only http and https feeds are fetched")
        r.finish(common + ["url", "path", "outlet"])
        return Source(kind, **src)
    if kind == "html":
        src = dict(path=r.get("path", str), pattern=r.get("pattern", str, "*.htm*"), outlet=r.get("outlet", str, None))
        r.finish(common + ["path", "pattern", "outlet"])
        return Source(kind, **src)
    r.finish(common)
    return Source(kind)


def _parse_provenance(path: Path, table: Any) -> ProvenanceSettings:
    r = Reader(path, "[provenance]", table)
    default = ProvenanceSettings()
    settings = ProvenanceSettings(
        min_containment=float(r.get("min_containment", (float, int), default.min_containment)),
        syndication=float(r.get("syndication", (float, int), default.syndication)),
        fact_threshold=r.get("fact_threshold", (float, int), default.fact_threshold),
        fact_min_articles=r.get("fact_min_articles", int, default.fact_min_articles),
        event_gap_days=r.get("event_gap_days", int, default.event_gap_days),
        event_max_days=r.get("event_max_days", int, default.event_max_days),
        wire_agencies=r.strings("wire_agencies"),
    )
    r.finish(["min_containment", "syndication", "fact_threshold", "fact_min_articles", "event_gap_days",
              "event_max_days", "wire_agencies"])
    if any(not a.strip() or len(a) > 60 for a in settings.wire_agencies):
        r.fail("key 'wire_agencies' must list agency names as the text spells them (1 to 60 characters)")
    return settings


def _parse_framing(path: Path, table: Any) -> FramingSettings:
    r = Reader(path, "[framing]", table)
    default = FramingSettings()
    settings = FramingSettings(
        codebooks=r.strings("codebooks", default.codebooks),
        classifier=r.get("classifier", str, default.classifier, allowed=("narrative_frames", "")),
        terms_by=r.strings("terms_by", default.terms_by),
        topics=r.get("topics", (int, str), default.topics),
    )
    r.finish(["codebooks", "classifier", "terms_by", "topics"])
    for g in settings.terms_by:
        if g not in get_args(GroupVar):
            r.fail(f"key 'terms_by' contains {g!r}; allowed: {', '.join(get_args(GroupVar))}")
    if isinstance(settings.topics, str) and settings.topics != "auto":
        r.fail(f"key 'topics' is {settings.topics!r}; use \"auto\" or a number of topics from 2 to 50")
    return settings


def _parse_referent(path: Path, i: int, table: Any) -> Referent:
    r = Reader(path, f"referents[{i}]", table)
    name = r.get("name", str)
    raw = r.get("labels", dict)
    r.finish(["name", "labels"])
    if not raw:
        r.fail(f"referent {name!r} needs at least one label")
    labels = []
    for label, forms in raw.items():
        forms = [forms] if isinstance(forms, str) else forms
        if not isinstance(forms, list) or not forms or not all(isinstance(f, str) for f in forms):
            r.fail(f"label {label!r} must map to a regex or a list of regexes")
        for form in forms:
            try:
                patterns.compile_pattern(form)
            except patterns.error as exc:
                r.fail(f"label {label!r}: pattern {form!r} is not a valid regular expression ({exc})", value=form)
        labels.append((label, tuple(forms)))
    return Referent(name, tuple(labels))


def _parse_actor(path: Path, i: int, table: Any) -> Actor:
    r = Reader(path, f"actors[{i}]", table)
    actor = Actor(
        name=r.get("name", str),
        type=r.get("type", str, "other", allowed=get_args(ActorType)),
        aliases=r.strings("aliases"),
        patterns=regexes(r, "patterns"),
        not_within=r.strings("not_within"),
        source_type=r.get("source_type", str, None, allowed=get_args(SourceType)),
    )
    if not actor.aliases and not actor.patterns:
        r.fail(f"actor {actor.name!r} needs at least one alias or pattern")
    r.finish(["name", "type", "aliases", "patterns", "not_within", "source_type"])
    return actor


def _line_of(text: str, value: str) -> int | None:
    """1-based line where a parsed string value is written (tomllib keeps no positions)."""
    spellings = (json.dumps(value)[1:-1], value)  # basic-string escapes, then literal 'strings'
    for number, line in enumerate(text.splitlines(), start=1):
        if any(f'"{v}"' in line or f"'{v}'" in line for v in spellings):
            return number
    return None


def parse_study(text: str, *, study_id: str, path: Path) -> Study:
    """Parse the text of a study.toml; ``path`` is only used in error messages."""
    try:
        doc = tomllib.loads(text.removeprefix("\ufeff"))  # a BOM some Windows editors write
    except tomllib.TOMLDecodeError as exc:
        raise StudyConfigError(f"{path}: not valid TOML ({exc})") from None
    try:
        return _parse_document(doc, study_id=study_id, path=path)
    except StudyConfigError as exc:
        line = _line_of(text, exc.value) if getattr(exc, "value", None) else None
        if line is None:
            raise
        raise StudyConfigError(str(exc).replace(f"{path}: ", f"{path}:{line}: ", 1)) from None


def _parse_document(doc: dict, *, study_id: str, path: Path) -> Study:
    top = Reader(path, "top level", doc)
    s = Reader(path, "[study]", top.get("study", dict))
    groups = s.strings("groups", ("outlet", "leaning", "outlet_type"))
    for g in groups:
        if g not in get_args(GroupVar):
            s.fail(f"key 'groups' contains {g!r}; allowed: {', '.join(get_args(GroupVar))}")
    settings = dict(
        id=study_id,
        title=s.get("title", str),
        question=s.get("question", str, ""),
        start=date(s, "start"),
        end=date(s, "end"),
        keep_undated=s.get("keep_undated", bool, False),
        languages=s.strings("languages", ("en",)),
        seed=s.get("seed", int, 12345),
        outlets=s.get("outlets", str, "data/outlets.csv"),
        groups=groups,
    )
    s.finish(["title", "question", "start", "end", "keep_undated", "languages", "seed", "outlets", "groups"])
    bad = [lang for lang in settings["languages"] if not re.fullmatch(r"[a-z]{2,3}", lang)]
    if bad or not settings["languages"]:
        s.fail(f"key 'languages' must list ISO 639-1 codes such as \"en\", got {list(settings['languages'])}")
    if settings["start"] and settings["end"] and settings["start"] > settings["end"]:
        raise StudyConfigError(f"{path}: [study]: start {settings['start']} is after end {settings['end']}")

    c = Reader(path, "[compare]", top.get("compare", dict, {}))
    compare = CompareSettings(
        n_boot=c.get("n_boot", int, 2000),
        n_perm=c.get("n_perm", int, 5000),
        confidence=c.get("confidence", float, 0.95),
        min_articles=c.get("min_articles", int, 5),
    )
    c.finish(["n_boot", "n_perm", "confidence", "min_articles"])

    sentiment = parse_sentiment(path, top.get("sentiment", dict, {}))

    k = Reader(path, "[collect]", top.get("collect", dict, {}))
    collect = CollectSettings(
        user_agent=k.get("user_agent", str, None),
        per_host_delay=float(k.get("per_host_delay", (int, float), 1.0)),
        timeout=float(k.get("timeout", (int, float), 20.0)),
        max_bytes=k.get("max_bytes", int, 5 * 1024 * 1024),
        retries=k.get("retries", int, 3),
        respect_robots=k.get("respect_robots", bool, True),
    )
    k.finish(["user_agent", "per_host_delay", "timeout", "max_bytes", "retries", "respect_robots"])

    sources = tuple(_parse_source(path, i, t) for i, t in enumerate(top.get("sources", list, [])))
    if not sources:
        top.fail("a study needs at least one [[sources]] table")
    actors = tuple(_parse_actor(path, i, t) for i, t in enumerate(top.get("actors", list, [])))
    names = [a.name for a in actors]
    if len(set(names)) != len(names):
        top.fail(f"actor names must be unique; repeated: {sorted({n for n in names if names.count(n) > 1})}")
    framing = _parse_framing(path, top.get("framing", dict, {}))
    referents = tuple(_parse_referent(path, i, t) for i, t in enumerate(top.get("referents", list, [])))
    provenance = _parse_provenance(path, top.get("provenance", dict, {}))
    v = Reader(path, "[validation]", top.get("validation", dict, {}))
    validation = ValidationSettings(min_alpha=v.get("min_alpha", (float, int), None),
                                    min_agreement=v.get("min_agreement", (float, int), None))
    v.finish(["min_alpha", "min_agreement"])
    columns = _parse_columns(path, top.get("columns", dict, {}))
    top.finish(["study", "compare", "sentiment", "framing", "provenance", "validation", "collect", "sources",
                "actors", "referents", "columns"])
    return Study(**settings, sources=sources, actors=actors, compare=compare, sentiment=sentiment, framing=framing,
                 referents=referents, collect=collect, provenance=provenance, validation=validation, columns=columns)


# The keys of [columns], as `ingest --X-col` spells them (analysis.collect.article_files.MAPPABLE checks this).
COLUMN_KEYS = ("id", "outlet", "title", "text", "url", "date", "author")


def _parse_columns(path: Path, table: Any) -> tuple[tuple[str, str], ...]:
    r = Reader(path, "[columns]", table)
    pairs = tuple((key, r.get(key, str)) for key in COLUMN_KEYS if key in r.table)
    for key, column in pairs:
        if not column.strip():
            r.fail(f"key {key!r} is empty; give the import file's column name")
    r.finish(list(COLUMN_KEYS))
    return pairs


def check_study_id(study_id: str) -> str:
    if not STUDY_ID.fullmatch(study_id):
        raise StudyConfigError(
            f"study id {study_id!r} is not allowed; use lower-case letters, digits, '-' and '_' (max 64)"
        )
    return study_id


def load_study(paths: StudyPaths) -> Study:
    check_study_id(paths.study)
    if not paths.study_file.exists():
        known = study_ids(paths.root)
        close = difflib.get_close_matches(paths.study, known, n=1, cutoff=0.6)
        hint = (f"did you mean {close[0]!r}? " if close else "") + (
            f"studies here: {', '.join(known)}; or " if known else "") + \
            f"create it with `python -m analysis init {paths.study}`"
        raise StudyConfigError(f"{paths.study_file}: no such study file; {hint}")
    # A leading BOM is dropped; bytes that are not UTF-8 are one line naming the file and the byte offset.
    _, text = storage.read_user_file(paths.study_file, what="study", error=StudyConfigError)
    study = parse_study(text, study_id=paths.study, path=paths.study_file)
    registry = paths.resolve(study.outlets)
    if not registry.exists():
        raise StudyConfigError(f"{paths.study_file}: [study]: key 'outlets' points to {registry}, which does not exist")
    for i, codebook in enumerate(study.framing.codebooks):
        if not paths.codebook(codebook, check=False).exists():
            raise StudyConfigError(f"{paths.study_file}: [framing]: codebooks[{i}] {codebook!r} is "
                                   f"{paths.codebook(codebook, check=False)}, "
                                   f"which does not exist")
    for i, d in enumerate(study.sentiment.dictionaries):
        if d.path is not None and not paths.resolve(d.path).exists():
            raise StudyConfigError(f"{paths.study_file}: sentiment.dictionaries[{i}]: key 'path' points to "
                                   f"{paths.resolve(d.path)}, which does not exist")
    for i, src in enumerate(study.sources):
        if src.kind in ("files", "urls", "html", "feed") and src.path and not paths.resolve(src.path).exists():
            raise StudyConfigError(f"{paths.study_file}: sources[{i}]: key 'path' points to {paths.resolve(src.path)}, which does not exist")
    return study
