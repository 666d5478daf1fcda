"""Benchmark: the explorer's size and first paint, on a built study's tables and on those tables replicated to a
3,000-article study, against a naive baseline.

    .venv/bin/python benchmarks/explorer.py [--study entity-list] [--articles 3000] [--repeats 3]

It reads the tables a finished `python -m analysis run STUDY` left (nothing is recomputed, nothing in the study is
written). The large study repeats every article-level table with new ids (copy k of article d is ``d~k``; quote
ids and reuse pairs are renamed the same way, so a copy neither shares quotes nor copies text with another), while
the group-level tables (frame shares, sentiment, distinctive terms) stay as they are: the explorer's size and speed
depend on the evidence rows, which scale with the articles.

For each corpus it builds the page (the build time is the best of ``--repeats``), then opens it from file:// in
headless Chromium ``--repeats`` times and keeps the median of the first contentful paint and of the moment the
explorer is ready (plots filled, every view answering a click). The baseline is the naive embedding: every table the
explorer reads as row-oriented JSON records (``DataFrame.to_json(orient="records")``), the same text repeated in
every row that carries it, with BokehJS beside it, nothing sampled.

Writes ``reports/benchmarks/explorer.csv`` (corpus, n_articles, metric, value) and prints it.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analysis.core import config, storage  # noqa: E402
from analysis.core.study import load_study  # noqa: E402
from analysis.report import explorer, explorer_data  # noqa: E402

PER_ARTICLE = {"articles", "sentences", "frame_evidence", "frame_hits", "sentence_sentiment", "actor_sentiment",
               "quotes", "reuse_pairs", "reuse_passages", "label_mentions"}
BOKEH_BYTES = 1_268_249  # bokeh.min.js 3.9.2 inline, the same in both pages


def replicate(tables: dict[str, pd.DataFrame], n_articles: int) -> dict[str, pd.DataFrame]:
    """The study's tables with every article-level table repeated until it has ``n_articles`` articles."""
    n0 = len(tables["articles"])
    copies = -(-n_articles // n0)
    keep = set(tables["articles"]["doc_id"])
    out = {}
    for name, df in tables.items():
        if name == "sentiment_evidence":  # each outlet's top sentences: the first copy's
            out[name] = df.assign(doc_id=df["doc_id"] + "~0")
        if name not in PER_ARTICLE:
            out.setdefault(name, df)
            continue
        parts = []
        for k in range(copies):
            part = df.copy()
            for col in ("doc_id", "doc_a", "doc_b", "source_doc_id", "canonical_doc_id"):
                if col in part.columns:
                    part[col] = part[col].map(lambda d, k=k: f"{d}~{k}" if isinstance(d, str) and d in keep else d)
            if "quote_id" in part.columns:
                part["quote_id"] = part["quote_id"] + f"~{k}"
            parts.append(part)
        out[name] = pd.concat(parts, ignore_index=True)
    wanted = set(out["articles"]["doc_id"].iloc[:n_articles])
    for name in PER_ARTICLE:
        df = out[name]
        col = "doc_id" if "doc_id" in df.columns else "doc_a"
        out[name] = df[df[col].isin(wanted) & (df["doc_b"].isin(wanted) if "doc_b" in df.columns else True)]
    return out


def naive_size(tables: dict[str, pd.DataFrame]) -> int:
    return BOKEH_BYTES + sum(len(df.to_json(orient="records", date_format="iso").encode()) for df in tables.values())


def paint_times(page: Path, repeats: int) -> tuple[float, float]:
    """Median (first contentful paint, explorer ready) in ms over ``repeats`` fresh loads in headless Chromium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000"):
        options.add_argument(arg)
    fcp, ready = [], []
    driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
    try:
        for _ in range(repeats):
            driver.get("about:blank")
            driver.get(page.resolve().as_uri())
            WebDriverWait(driver, 120).until(lambda d: d.execute_script("return !!(window.EXPLORER && EXPLORER.ready)"))
            fcp.append(driver.execute_script(
                "return performance.getEntriesByName('first-contentful-paint')[0].startTime"))
            ready.append(driver.execute_script("return performance.getEntriesByName('explorer-ready')[0].startTime"))
    finally:
        driver.quit()
    return statistics.median(fcp), statistics.median(ready)


def measure(name: str, tables: dict[str, pd.DataFrame], *, title: str, seed: int, repeats: int,
            folder: Path) -> list[tuple]:
    builds = []
    for _ in range(repeats):
        started = time.perf_counter()
        page = explorer.build(tables, study=name, title=title, seed=seed)
        builds.append(time.perf_counter() - started)
    path = folder / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    payload = explorer_data.fit_budget(tables, study=name, title=title, seed=seed)
    fcp, ready = paint_times(path, repeats)
    n = len(tables["articles"])
    rows = [("page_mb", len(page.encode()) / 1e6), ("data_mb", explorer_data.encoded_size(payload) / 1e6),
            ("naive_baseline_mb", naive_size(tables) / 1e6), ("build_s", min(builds)),
            ("first_contentful_paint_ms", fcp), ("ready_ms", ready),
            ("sample_cap_per_cell", payload["meta"]["cap"] or 0),
            ("full_text_embedded", int(payload["meta"]["full_text"]))]
    return [(name, n, metric, round(value, 3)) for metric, value in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--study", default=config.DEFAULT_STUDY)
    parser.add_argument("--articles", type=int, default=3000, help="size of the replicated study")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "reports" / "benchmarks" / "explorer.csv")
    args = parser.parse_args(argv)
    paths = config.study_paths(args.study)
    study = load_study(paths)
    tables = explorer.read_tables(paths)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += measure(args.study, tables, title=study.title, seed=study.seed, repeats=args.repeats,
                        folder=Path(tmp))
        rows += measure(f"{args.study}-x{args.articles}", replicate(tables, args.articles), title=study.title,
                        seed=study.seed, repeats=args.repeats, folder=Path(tmp))
    result = pd.DataFrame(rows, columns=["corpus", "n_articles", "metric", "value"])
    storage.write_csv(result, args.out)
    print(result.pivot(index="metric", columns="corpus", values="value").to_string())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
