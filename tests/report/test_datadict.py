"""The data dictionary beside the exported CSVs: generated from the schemas, lists as JSON arrays."""

import json

import pandas as pd

from analysis.core import tables
from analysis.report import datadict
from analysis.report.notebook import REPORT_TABLES


def test_list_cells_become_json_arrays_that_round_trip(tmp_path):
    spread = pd.DataFrame({"quote_id": ["q1", "q2", "q3"], "outlets": ["AFP; Reuters", "Xinhua", ""]})
    out = datadict.csv_ready(spread, "quote_spread")
    assert spread["outlets"].tolist() == ["AFP; Reuters", "Xinhua", ""]  # the input is not modified
    path = tmp_path / "quote_spread.csv"
    out.to_csv(path, index=False)
    back = pd.read_csv(path, keep_default_na=False)["outlets"].map(json.loads).tolist()
    assert back == [["AFP", "Reuters"], ["Xinhua"], []]
    # a table without list columns is returned as it is
    plain = pd.DataFrame({"doc_id": ["a"]})
    assert datadict.csv_ready(plain, "sentences") is plain


def test_every_report_table_is_documented_column_by_column():
    for name in REPORT_TABLES:
        contract = tables.schema(name)
        assert contract.doc.strip(), name
        assert all(c.doc.strip() for c in contract.columns), name
    assert set(datadict.list_columns("facts")) == {"outlets", "leanings"}


def test_data_package_describes_each_csv_with_its_schema_and_key(tmp_path):
    facts = pd.DataFrame({"fact_id": ["f1"], "event_id": ["e"], "fact_text": ["t"], "n_sentences": [2],
                          "n_articles": [2], "n_outlets": [2], "outlets": ["A; B"], "leanings": ["left"],
                          "first_doc_id": ["d"], "first_outlet": ["A"]})
    datadict.csv_ready(facts, "facts").to_csv(tmp_path / "facts.csv", index=False)
    pd.DataFrame({"fact_id": ["f1"], "AFP": [0.5]}).to_csv(tmp_path / "fact_coverage.csv", index=False)
    package = datadict.data_package([datadict.resource(tmp_path / "facts.csv", table="facts"),
                                     datadict.resource(tmp_path / "fact_coverage.csv", table=None,
                                                       description="one column per outlet")], study="my_study")
    assert package["profile"] == "tabular-data-package" and package["name"] == "my-study-tables"
    by_name = {r["name"]: r for r in package["resources"]}
    fields = {f["name"]: f for f in by_name["facts"]["schema"]["fields"]}
    assert by_name["facts"]["schema"]["primaryKey"] == ["fact_id"]
    assert fields["outlets"]["type"] == "array" and fields["n_articles"]["type"] == "integer"
    assert fields["fact_text"]["description"] == "medoid sentence text"
    assert [f["type"] for f in by_name["fact_coverage"]["schema"]["fields"]] == ["string", "number"]
    text = datadict.readme(package)
    assert "## facts.csv" in text and "| `outlets` | array |" in text and "one column per outlet" in text
