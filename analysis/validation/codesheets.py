"""Coding sheets: blind samples for human coders, read back as agreement figures.

``export_codesheet`` draws a sample of one measure's units (sentences for
frames and sentiment, sentence-actor pairs for actor sentiment, quotes for
source types), balanced over the automated labels and spread over outlets,
and writes it as CSV and XLSX without the automated labels or the outlet.
These stay in a key under ``data/interim/<study>/codesheets/``.

``import_codesheets`` reads the coders' filled copies, checks every cell, and
writes the ``agreement`` table (:mod:`analysis.validation.agreement`): Krippendorff's
alpha among the coders, and the automated measure against their majority.

Conventions the coders' instructions should repeat:

- each coder fills a copy of the sheet and names it after themselves: the
  coder's id is the file stem (``anna.xlsx`` and ``anna.csv`` cannot both be
  imported); a file name is harder to get wrong than a column typed on every row;
- every code cell is filled: a blank is an error, not a 0, so a skipped unit
  cannot pass for "frame absent"; the ``note`` column is free text and ignored;
- sentiment is coded -2..2 (clearly negative .. clearly positive) so the
  ordinal alpha and the correlation with the continuous score have five
  levels to work with; sentiment toward an actor uses the actor model's three
  labels (negative, neutral, positive) so it can be scored with F1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import zipfile
from dataclasses import asdict
from io import BytesIO
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from analysis.core import cells, config, limits, storage, tables
from analysis.core.config import StudyPaths
from analysis.core.errors import AnalysisError, StageInputError
from analysis.core.study import SourceType, Study, check_study_id, load_study
from analysis.framing.codebook import load_codebook
from analysis.validation import agreement
from analysis.validation.agreement import CodeColumn, CodesheetError  # noqa: F401 - CodesheetError is part of this API

log = logging.getLogger("analysis")

Measure = Literal["frames", "sentiment", "actor-sentiment", "quotes"]
MEASURES: tuple[str, ...] = get_args(Measure)
# VADER's conventional cut-offs; they only stratify the sample, the comparison uses the raw score.
NEUTRAL_BAND = 0.05
# A fixed date for the workbook properties and zip entries, so the same sheet gives the same bytes.
FIXED_TIME = dt.datetime(2020, 1, 1)

SENTIMENT_DOC = ("The tone of the sentence as a whole: -2 clearly negative, -1 somewhat negative, 0 neutral or "
                 "mixed, 1 somewhat positive, 2 clearly positive. Judge what the sentence says, not whether you "
                 "agree with it.")
ACTOR_DOC = ("How the sentence portrays the actor in the 'actor' column: negative (criticised, accused, blamed or "
             "shown as a threat), positive (praised, defended or shown favourably), neutral (mentioned or "
             "reported on without either).")
SOURCE_TYPE_DOCS = {
    "us_government": "US government at any level: officials, agencies, Congress, the White House",
    "chinese_government": "the Chinese government: its ministries, officials, embassies and spokespeople",
    "government_other": "any other government or intergovernmental body",
    "company": "a company or someone speaking for it",
    "ngo_advocacy": "a non-governmental, human-rights or advocacy group",
    "expert": "an academic, analyst or think-tank researcher",
    "media": "a news outlet or journalist",
    "anonymous": "an unnamed source ('a person familiar with the matter')",
    "other": "a speaker who fits none of these",
    "unknown": "no speaker can be identified from the sentence and its context",
}


def _check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise AnalysisError(f"measure {measure!r} is not known; use one of {', '.join(MEASURES)}")


def stratified_sample(units: pd.DataFrame, *, n: int, seed: int) -> pd.DataFrame:
    """``n`` rows of ``units`` balanced over its ``label`` column and spread over ``outlet``, shuffled.

    Each pick takes the label picked least so far (the rarest label first on
    ties), then, among outlets with units of that label left, the outlet
    picked least so far (a seeded random order on ties), then a random unit of
    that pair. Every label appears once ``n`` reaches the number of labels; a
    label with fewer units than its share leaves the rest to the others.
    Rare labels are therefore over-represented: agreement figures describe
    the sample, not the corpus. The rows come back in a seeded random order so
    the sheet's order does not reveal the labels.
    """
    rng = np.random.default_rng(seed)
    units = units.reset_index(drop=True)
    shuffled = units.iloc[rng.permutation(len(units))]
    queues = {key: list(g.index) for key, g in shuffled.groupby(["label", "outlet"], sort=True)}
    rarity = units["label"].value_counts()
    outlets = sorted(units["outlet"].unique())
    outlet_rank = dict(zip(rng.permutation(outlets), range(len(outlets))))
    label_picks = dict.fromkeys(rarity.index, 0)
    outlet_picks = dict.fromkeys(outlets, 0)
    chosen: list[int] = []
    for _ in range(min(n, len(units))):
        open_pairs = [key for key, queue in queues.items() if queue]
        label = min({lab for lab, _ in open_pairs}, key=lambda lab: (label_picks[lab], rarity[lab], lab))
        outlet = min((o for lab, o in open_pairs if lab == label), key=lambda o: (outlet_picks[o], outlet_rank[o]))
        chosen.append(queues[(label, outlet)].pop(0))
        label_picks[label] += 1
        outlet_picks[outlet] += 1
    return units.loc[chosen].iloc[rng.permutation(len(chosen))].reset_index(drop=True)


# --- units of each measure --------------------------------------------------------------------------------------

def _sentences(paths: StudyPaths) -> pd.DataFrame:
    """Sentences of the study's non-duplicate articles: a syndicated copy would be coded twice."""
    sentences = storage.read_table(paths.table("sentences"), columns=["doc_id", "sent_id", "outlet", "text"],
                              hint="run the prepare stage first")
    articles = storage.read_table(paths.table("articles"), columns=["doc_id", "is_duplicate"])
    return sentences[sentences["doc_id"].isin(articles.loc[~articles["is_duplicate"], "doc_id"])]


def _sentence_id(df: pd.DataFrame) -> pd.Series:
    return df["doc_id"] + ":" + df["sent_id"].astype(str)


def _pick_instrument(present: set[str], preferred: tuple[str, ...], table: str) -> str:
    if not present:
        raise StageInputError(f"table {table!r} is empty: nothing to code")
    return next((i for i in preferred if i in present), sorted(present)[0])


def _frame_units(study: Study, paths: StudyPaths) -> tuple[pd.DataFrame, list[CodeColumn], dict]:
    codebook = load_codebook(paths.codebook(study.framing.codebooks[0]))
    units = _sentences(paths)
    units = units[units["text"].str.strip() != ""].copy()
    hits = storage.read_table(paths.table("frame_hits"), columns=["doc_id", "sent_id", "codebook", "frame", "rebuttal"],
                              hint="run the frame stage first")
    hits = hits[(hits["codebook"] == codebook.name) & ~hits["rebuttal"]]  # a sentence that only rejects a frame
    units["unit_id"] = _sentence_id(units)
    for frame in codebook.frame_ids:
        units[f"auto_{frame}"] = units["unit_id"].isin(_sentence_id(hits[hits["frame"] == frame])).astype("int64")
    # A sentence counts under its rarest frame, so balancing over labels brings rare frames into the sample.
    by_rarity = sorted(codebook.frame_ids, key=lambda f: (units[f"auto_{f}"].sum(), f))
    units["label"] = "none"
    for frame in reversed(by_rarity):
        units.loc[units[f"auto_{frame}"] == 1, "label"] = frame
    columns = [CodeColumn(f.id, f.label, f"{f.definition.strip()} Code 1 if the sentence uses this frame, else 0; a "
                                         f"sentence may use several frames or none.", (0, 1), "nominal")
               for f in codebook.frames]
    return units, columns, {"codebook": codebook.name, "codebook_sha256": codebook.sha256}


def _sentiment_units(study: Study, paths: StudyPaths) -> tuple[pd.DataFrame, list[CodeColumn], dict]:
    scores = storage.read_table(paths.table("sentence_sentiment"), hint="run the measure stage first")
    instrument = _pick_instrument(set(scores["instrument"]), ("vader", *study.sentiment.instruments),
                                  "sentence_sentiment")
    scores = scores[scores["instrument"] == instrument]
    units = _sentences(paths).merge(scores[["doc_id", "sent_id", "instrument_version", "score"]],
                                    on=["doc_id", "sent_id"])
    units["unit_id"] = _sentence_id(units)
    units["auto_score"] = units.pop("score")
    units["label"] = np.select([units["auto_score"] < -NEUTRAL_BAND, units["auto_score"] > NEUTRAL_BAND],
                               ["negative", "positive"], "neutral")
    version = units["instrument_version"].iloc[0] if len(units) else ""
    column = CodeColumn("sentiment", "Sentiment of the sentence", SENTIMENT_DOC, (-2, -1, 0, 1, 2), "ordinal")
    return units, [column], {"instrument": instrument, "instrument_version": version}


def _actor_units(study: Study, paths: StudyPaths) -> tuple[pd.DataFrame, list[CodeColumn], dict]:
    scored = storage.read_table(paths.table("actor_sentiment"), hint="run the measure stage first")
    instrument = _pick_instrument(set(scored["instrument"]), study.sentiment.actor_instruments, "actor_sentiment")
    scored = scored[scored["instrument"] == instrument]
    units = _sentences(paths).merge(scored[["doc_id", "sent_id", "actor", "instrument_version", "label", "score"]],
                                    on=["doc_id", "sent_id"])
    units["unit_id"] = _sentence_id(units) + ":" + units["actor"]
    units["auto_sentiment"] = units["label"]
    units["auto_score"] = units.pop("score")
    version = units["instrument_version"].iloc[0] if len(units) else ""
    column = CodeColumn("sentiment", "Sentiment toward the actor", ACTOR_DOC, ("negative", "neutral", "positive"),
                        "ordinal")
    return units, [column], {"instrument": instrument, "instrument_version": version}


def _quote_units(study: Study, paths: StudyPaths) -> tuple[pd.DataFrame, list[CodeColumn], dict]:
    quotes = storage.read_table(paths.table("quotes"), columns=["doc_id", "quote_seq", "sent_id", "text", "source_type"],
                           hint="run the provenance stage first")
    kept = _sentences(paths)
    units = quotes[quotes["doc_id"].isin(kept["doc_id"])].merge(kept[["doc_id", "outlet"]].drop_duplicates(),
                                                                on="doc_id")
    units["unit_id"] = units["doc_id"] + ":q" + units["quote_seq"].astype(str)
    units["auto_source_type"] = units["label"] = units.pop("source_type")
    known = [*get_args(SourceType), "unknown"]
    # Coders always need a way out: the speaker fits no listed type, or there is no speaker.
    present = set(units["label"]) | {"other", "unknown"}
    categories = tuple([t for t in known if t in present] + sorted(present - set(known)))
    meanings = "; ".join(f"{c}: {SOURCE_TYPE_DOCS.get(c, 'a category of the automated coder')}" for c in categories)
    column = CodeColumn("source_type", "Who the quoted speaker speaks for",
                        f"Judge from the quote, its sentence and the context. {meanings}.", categories, "nominal")
    return units, [column], {"instrument": "analysis.provenance.quotes"}


_UNITS = {"frames": _frame_units, "sentiment": _sentiment_units, "actor-sentiment": _actor_units,
          "quotes": _quote_units}


def _with_context(sample: pd.DataFrame, sentences: pd.DataFrame, *, measure: str) -> pd.DataFrame:
    """The sheet: unit id, what to code, the sentences around it, blank code columns."""
    text = dict(zip(zip(sentences["doc_id"], sentences["sent_id"]), sentences["text"]))
    around = {name: [text.get((d, s + shift), "") for d, s in zip(sample["doc_id"], sample["sent_id"])]
              for name, shift in (("sentence", 0), ("context_before", -1), ("context_after", 1))}
    sheet = pd.DataFrame({"unit_id": sample["unit_id"]})
    if measure == "actor-sentiment":
        sheet["actor"] = sample["actor"]
    sheet["text"] = sample["text"]
    if measure == "quotes":
        sheet["sentence"] = around["sentence"]
    sheet["context_before"] = around["context_before"]
    sheet["context_after"] = around["context_after"]
    return sheet


def _paths(paths: StudyPaths, measure: str) -> dict[str, Path]:
    folder = paths.reports / "validation"
    key = paths.interim / "codesheets"
    return {"csv": folder / f"codesheet_{measure}.csv", "xlsx": folder / f"codesheet_{measure}.xlsx",
            "key": key / f"{measure}_key.parquet", "codes": key / f"{measure}_key.json"}


def export_codesheet(paths: StudyPaths, *, measure: Measure, n: int, seed: int | None = None) -> dict[str, Path]:
    """Write a blind coding sheet of ``n`` units of ``measure`` and its key; return the files by kind.

    Sheet columns (``reports/<study>/validation/codesheet_<measure>.csv`` and
    ``.xlsx``, whose second worksheet ``codebook`` defines each code column):
    ``unit_id``; ``unit_hash`` (of the unit id and the text shown, checked on import); ``actor`` (actor-sentiment only); ``text`` (the sentence, or
    the quote); ``sentence`` (quotes only: the sentence the quote starts
    in); ``context_before`` and ``context_after`` (the neighbouring sentences
    of the same article); one blank column per code; ``note`` (free text,
    ignored on import). Text cells starting ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get a
    leading quote (:mod:`analysis.core.cells`), so a spreadsheet shows them instead of running them. The key (``data/interim/<study>/codesheets/``) holds
    each unit's outlet, stratum label, automated labels (``auto_*``) and
    spreadsheet row; the ``.json`` beside it the code columns and settings.
    Same tables, ``n`` and seed give the same bytes. Re-exporting with another
    ``n`` or seed replaces the key, so sheets already handed out no longer import.
    """
    _check_measure(measure)
    if n < 1:
        raise AnalysisError(f"n must be at least 1, not {n}")
    study = load_study(paths)
    seed = study.seed if seed is None else seed
    units, codes, info = _UNITS[measure](study, paths)
    if units.empty:
        raise StageInputError(f"no {measure} units to code in study {paths.study!r}")
    sample = stratified_sample(units, n=n, seed=seed)
    sheet = _with_context(sample, storage.read_table(paths.table("sentences"), columns=["doc_id", "sent_id", "text"]),
                          measure=measure)
    shown = [c for c in agreement.SHOWN_COLUMNS if c in sheet]
    sheet.insert(1, "unit_hash", [agreement.unit_hash(u, row) for u, row in
                                  zip(sheet["unit_id"], sheet[shown].itertuples(index=False))])
    for code in codes:
        sheet[code.name] = ""
    sheet["note"] = ""
    key = sample.drop(columns=["unit_id", "text", "instrument_version"], errors="ignore")
    key.insert(0, "unit_id", sample["unit_id"])
    key.insert(1, "sheet_row", np.arange(2, len(key) + 2, dtype="int64"))  # header is spreadsheet row 1
    key.insert(2, "unit_hash", sheet["unit_hash"].to_numpy())
    out = _paths(paths, measure)
    # Article text that a spreadsheet would run as a formula gets a leading quote; the import takes it off.
    people = cells.neutralise_frame(sheet)
    storage.write_csv(people, out["csv"])
    storage.write_if_changed(out["xlsx"], _xlsx_bytes(people, codes))
    storage.write_table(key, out["key"])
    storage.write_json(out["codes"], {"measure": measure, "n": len(sheet), "seed": seed, **info,
                                 "code_columns": [asdict(c) for c in codes], "hashed_columns": shown})
    log.info("codesheet %s: %d of %d units, %d outlets -> %s", measure, len(sheet), len(units),
             sample["outlet"].nunique(), out["xlsx"])
    return out


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries carry a fixed date: openpyxl adds entries stamped with the clock or a temp file's mtime."""

    def write(self, filename, arcname=None, *args, **kwargs):
        return self.writestr(arcname or str(filename), storage.read_bytes(filename))

    def writestr(self, zinfo_or_arcname, data, *args, **kwargs):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
        return super().writestr(zinfo_or_arcname, data, *args, **kwargs)


def _xlsx_bytes(sheet: pd.DataFrame, codes: list[CodeColumn]) -> bytes:
    """The sheet as a workbook: worksheet ``units`` to fill, worksheet ``codebook`` to read."""

    wb = Workbook()
    ws = wb.active
    ws.title = "units"
    ws.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        ws.append([(ILLEGAL_CHARACTERS_RE.sub("", v) or None) if isinstance(v, str) else v for v in row])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    code_names = {c.name for c in codes}
    for i, name in enumerate(sheet.columns, start=1):
        letter = get_column_letter(i)
        wide = name in ("text", "sentence", "context_before", "context_after")
        ws.column_dimensions[letter].width = 60 if wide else 14 if name in code_names else 28
        for cell in ws[letter][1:]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type  # "=..." is text, not a formula
            cell.alignment = Alignment(wrap_text=wide, vertical="top")
        code = next((c for c in codes if c.name == name), None)
        if code is not None and len(sheet):
            # A drop-down of the allowed codes catches typos before import does.
            rule = DataValidation(type="list", formula1='"' + ",".join(map(str, code.values)) + '"', allow_blank=True)
            rule.add(f"{letter}2:{letter}{len(sheet) + 1}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "B2"
    book = wb.create_sheet("codebook")
    book.append(["column", "label", "definition", "allowed values"])
    for code in codes:
        book.append([code.name, code.label, code.definition, ", ".join(map(str, code.values))])
    book.column_dimensions["C"].width = 100
    wb.properties.creator = "analysis.validation.codesheets"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = BytesIO()
    # ExcelWriter directly: openpyxl's save_workbook stamps the current time into the properties.
    ExcelWriter(wb, _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


def _read_key(paths: StudyPaths, measure: str) -> tuple[pd.DataFrame, list[CodeColumn], dict]:
    where = _paths(paths, measure)
    hint = f"export a sheet first: python -m analysis codesheet export {paths.study} --measure {measure} --n N"
    key = storage.read_table(where["key"], hint=hint).sort_values("sheet_row", kind="stable").reset_index(drop=True)
    info = storage.read_json(where["codes"])
    codes = [CodeColumn(**{**c, "values": tuple(c["values"])}) for c in info["code_columns"]]
    return key, codes, info


def _agreement_rows(measure: str, key: pd.DataFrame, codes: list[CodeColumn], matrices: dict[str, np.ndarray], *,
                    resamples: np.ndarray, confidence: float) -> list[dict]:
    """Alpha for each code column, then the automated measure against the coders."""
    rows = []
    ci = {"resamples": resamples, "confidence": confidence}
    for code in codes:
        if len(matrices[code.name]) >= 2:
            rows += agreement.alpha_rows(matrices[code.name], level=code.level, domain=range(len(code.values)),
                                         category=code.name if measure == "frames" else "all", **ci)
    if measure == "frames":
        truth = np.column_stack([agreement.majority(matrices[c.name]) for c in codes])
        predicted = key[[f"auto_{c.name}" for c in codes]].to_numpy(dtype=float)
        return rows + agreement.binary_rows(truth, predicted, categories=[c.name for c in codes], **ci)
    code = codes[0]
    if measure == "sentiment":
        mean_code = np.nanmean(np.asarray(code.values, dtype=float)[matrices[code.name].astype(int)], axis=0)
        return rows + agreement.correlation_rows(key["auto_score"].to_numpy(float), mean_code, **ci)
    predicted = key[f"auto_{code.name}"].map({v: i for i, v in enumerate(code.values)}).to_numpy(dtype=float)
    return rows + agreement.category_rows(agreement.majority(matrices[code.name]), predicted,
                                          categories=list(code.values), **ci)


def import_codesheets(paths: StudyPaths, *, measure: Measure, files: list[Path], n_boot: int = 1000,
                      seed: int | None = None) -> pd.DataFrame:
    """Check the coders' filled sheets of ``measure`` and write their agreement; return this measure's rows.

    Every problem in every file is reported at once (a :class:`CodesheetError`
    whose lines name file, row and column). Alpha needs two coders; with one,
    only the automated measure's figures are given. The bootstrap (``n_boot``
    unit resamples, seeded from ``seed`` or the study seed, at the study's
    ``[compare] confidence``) is shared by all figures. Output columns (the
    ``agreement`` table): measure, category, metric, value, ci_low, ci_high,
    n. ``reports/<study>/validation/agreement.csv`` keeps other measures' rows;
    this measure's are replaced.
    """
    _check_measure(measure)
    if not files:
        raise AnalysisError("no coding sheets given")
    if n_boot not in limits.OPTIONS["--n-boot"]:
        raise AnalysisError(limits.OPTIONS["--n-boot"].problem("n_boot", n_boot))
    study = load_study(paths)
    key, codes, info = _read_key(paths, measure)
    limits.check_memory(8 * n_boot * len(key), what=f"codesheet import --n-boot {n_boot} on {len(key)} units",
                        fix="lower --n-boot")
    rows_of = dict(zip(key["unit_id"], key["sheet_row"]))
    # Sheets exported before unit hashes existed import unchecked.
    hashes = dict(zip(key["unit_id"], key["unit_hash"])) if "unit_hash" in key else None
    by_coder: dict[str, pd.DataFrame] = {}
    problems: list[str] = []
    for file in map(Path, files):
        if file.stem in by_coder:
            problems.append(f"{file}: coder {file.stem!r} (the file stem) is given twice")
            continue
        by_coder[file.stem], found = agreement.read_codesheet(file, rows_of=rows_of, codes=codes, hashes=hashes,
                                                              shown=info.get("hashed_columns", ()))
        problems += found
    if problems:
        shown = 40
        more = f"\n... and {len(problems) - shown} more" if len(problems) > shown else ""
        raise CodesheetError(f"{len(problems)} problems in the {measure} coding sheets:\n"
                             + "\n".join(problems[:shown]) + more)
    matrices = {c.name: np.array([df.set_index("unit_id")[c.name].reindex(key["unit_id"]).to_numpy(float)
                                  for _, df in sorted(by_coder.items())]) for c in codes}
    resamples = agreement.resample_units(len(key), n_boot=n_boot, seed=study.seed if seed is None else seed)
    rows = _agreement_rows(measure, key, codes, matrices, resamples=resamples, confidence=study.compare.confidence)
    table = agreement.as_table(rows, measure=measure)
    _write_agreement(paths, measure, table)
    log.info("codesheet %s: %d coders, %d units -> %s", measure, len(by_coder), len(key), _agreement_path(paths))
    return table


def _agreement_path(paths: StudyPaths) -> Path:
    return paths.reports / "validation" / "agreement.csv"


def _write_agreement(paths: StudyPaths, measure: str, table: pd.DataFrame) -> None:
    """Replace ``measure``'s rows of agreement.csv, keeping the others, in measure order."""
    out = _agreement_path(paths)
    if out.exists():
        floats = ["value", "ci_low", "ci_high"]
        old = pd.read_csv(out, dtype={c: str for c in ("measure", "category", "metric")} | {"n": "int64"},
                          keep_default_na=False, na_values={c: [""] for c in floats})
        old = old[old["measure"] != measure].astype({c: float for c in floats})
        table = pd.concat([old, table], ignore_index=True)
    order = table["measure"].map({m: i for i, m in enumerate(MEASURES)})
    table = table.iloc[np.argsort(order.to_numpy(), kind="stable")]
    storage.write_csv(tables.validate(table, "agreement"), out)


# --- command line ----------------------------------------------------------------------------------------------

def run_cli(args: argparse.Namespace) -> int:
    """Run ``codesheet export`` or ``codesheet import`` from parsed arguments."""
    paths = config.study_paths(check_study_id(args.study), allow_outside=args.allow_outside_paths)
    if args.codesheet_action == "export":
        written = export_codesheet(paths, measure=args.measure, n=args.n, seed=args.seed)
        for kind in ("csv", "xlsx", "key"):
            print(f"wrote {written[kind]}")
        return 0
    table = import_codesheets(paths, measure=args.measure, files=args.files, n_boot=args.n_boot, seed=args.seed)
    print(table.drop(columns="measure").round(3).to_string(index=False))
    print(f"wrote {_agreement_path(paths)}")
    return 0
