"""``analysis.collect.datasets``: where files are found, the AllSides download and the loader."""

from __future__ import annotations

import functools
import gzip
import io
import json
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import SHARED_DATA
from http_server import Reply

from analysis.collect import datasets
from analysis.core import catalog, config
from analysis.core.errors import DataNotFoundError

MIRROR_ARTICLES = SHARED_DATA / "allsides" / "articles.jsonl.gz"
needs_mirror = pytest.mark.skipif(not MIRROR_ARTICLES.is_file(), reason="shared AllSides mirror not present")
COLUMNS = ["source_id", "source_outlet", "url", "title", "published", "text", "dataset_label", "topic", "author"]
PREFIX = f"Article-Bias-Prediction-{datasets.ALLSIDES_COMMIT}"


def article(id_: str, date: str, bias_text: str) -> dict:
    bias = {"left": 0, "center": 1, "right": 2}[bias_text]
    return {"ID": id_, "topic": "china", "source": f"Outlet {id_}", "source_url": "www.example.com",
            "url": f"https://www.example.com/{id_}", "date": date, "authors": f"Author {id_}",
            "title": f"Title {id_}", "content": f"tokenized text of {id_}",
            "content_original": f"Original text of {id_}.", "bias": bias, "bias_text": bias_text}


ARTICLES = [article("ID1", "2019-10-08", "left"), article("ID2", "10/9/19", "center"), article("ID3", "", "right")]


def allsides_zip(records: list[dict]) -> bytes:
    """The same bytes on every call: members carry a fixed date, not the time of the call (xdist workers
    collect the parametrized cut-off archive below separately and must see one test id)."""
    buffer = io.BytesIO()

    def member(name: str, data: str) -> None:
        zf.writestr(zipfile.ZipInfo(name, date_time=(2021, 3, 31, 0, 0, 0)), data)

    with zipfile.ZipFile(buffer, "w") as zf:
        member(f"{PREFIX}/README.md", "not an article")
        member(f"{PREFIX}/data/splits/random/train.tsv", "ID\tbias\n")
        for rec in reversed(records):  # the loader must sort members, not trust archive order
            member(f"{PREFIX}/data/jsons/{rec['ID']}.json", json.dumps(rec))
    return buffer.getvalue()


@pytest.fixture
def empty_mirror(project, tmp_path, monkeypatch) -> Path:
    mirror = tmp_path / "empty_mirror"
    mirror.mkdir()
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(mirror))
    return mirror


def archive(body: bytes) -> Reply:
    """The local server's answer for the archive URL."""
    return Reply(body=body, content_type="application/zip")


def serve_allsides(monkeypatch, url: str, *, declared: list[dict] = ARTICLES) -> None:
    """Build AllSides from ``url``, expecting the articles ``declared`` (as the real build expects the 37,554)."""
    build = functools.partial(datasets.build_allsides, archive_url=url,
                              records_sha256=datasets.records_digest(declared))
    monkeypatch.setitem(datasets.BUILDERS, "allsides", build)


@needs_mirror
def test_locate_finds_real_mirror(project):
    assert config.data_mirrors() == [MIRROR_ARTICLES.parents[1]]
    assert datasets.locate("allsides", "articles") == MIRROR_ARTICLES
    assert datasets.locate("allsides") == MIRROR_ARTICLES  # the first file is the default


@needs_mirror
def test_later_mirror_is_searched(project, tmp_path, monkeypatch):
    mirrors = [str(tmp_path / "nothing"), str(MIRROR_ARTICLES.parents[1])]
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", os.pathsep.join(mirrors))
    assert datasets.locate("allsides", "articles") == MIRROR_ARTICLES


def test_data_home_wins_over_mirror(project):
    home_file = config.data_home() / "allsides" / "articles.jsonl.gz"
    home_file.parent.mkdir(parents=True)
    records = [dict(article("H1", "2019-10-08", "left"), date_iso="2019-10-08")]
    with gzip.open(home_file, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records)

    assert datasets.locate("allsides", "articles") == home_file
    df = datasets.load_allsides()
    assert df["source_id"].tolist() == ["H1"]
    assert df.loc[0, "published"] == pd.Timestamp("2019-10-08", tz="UTC")


def test_seed_missing_everywhere_names_what_was_searched(empty_mirror):
    with pytest.raises(DataNotFoundError) as info:
        datasets.locate("seed")
    message = str(info.value)
    assert "\n" not in message
    assert "'seed'" in message
    assert str(Path("seed") / "reclaimthenet_2019-10_entity-list.txt") in message
    assert str(config.data_home()) in message and str(empty_mirror) in message
    assert "no public download" in message


@pytest.mark.parametrize("file, download", [("articles", False), ("china_subset", True)])
def test_no_download_attempted_when_not_allowed(empty_mirror, server, monkeypatch, file, download):
    serve_allsides(monkeypatch, server.add("/archive.zip", archive(allsides_zip(ARTICLES))))
    with pytest.raises(DataNotFoundError, match="ANALYSIS_DATA_MIRRORS") as info:
        datasets.locate("allsides", file, download=download)
    assert catalog.DATASETS["allsides"].files[file] in str(info.value)
    assert server.requests == []


@pytest.mark.parametrize("name, file, expected", [("nope", None, "unknown dataset 'nope'; known: allsides"),
                                                  ("allsides", "nope", "files: articles, china_subset")])
def test_unknown_dataset_or_file(project, name, file, expected):
    with pytest.raises(DataNotFoundError, match=expected):
        datasets.locate(name, file)


def test_download_builds_articles_from_archive(empty_mirror, server, monkeypatch):
    serve_allsides(monkeypatch, server.add("/archive.zip", archive(allsides_zip(ARTICLES))))

    df = datasets.load_allsides()

    folder = config.data_home() / "allsides"
    assert sorted(p.name for p in folder.iterdir()) == ["articles.jsonl.gz"]  # archive.zip deleted, no temp files
    assert list(df.columns) == COLUMNS
    assert df["source_id"].tolist() == ["ID1", "ID2", "ID3"]
    assert df["dataset_label"].tolist() == ["left", "center", "right"]
    assert df["text"].tolist() == ["Original text of ID1.", "Original text of ID2.", "Original text of ID3."]
    assert df["source_outlet"].tolist() == ["Outlet ID1", "Outlet ID2", "Outlet ID3"]
    assert df["author"].tolist() == ["Author ID1", "Author ID2", "Author ID3"]
    assert df["published"].dt.tz is not None
    assert df["published"].tolist()[:2] == [pd.Timestamp("2019-10-08", tz="UTC"), pd.Timestamp("2019-10-09", tz="UTC")]
    assert pd.isna(df.loc[2, "published"])

    written = list(datasets.iter_jsonl(folder / "articles.jsonl.gz"))
    assert all("content" not in r for r in written)
    assert [r["date_iso"] for r in written] == ["2019-10-08", "2019-10-09", None]
    assert [r["date"] for r in written] == ["2019-10-08", "10/9/19", ""]  # the original is kept

    assert datasets.load_allsides()["source_id"].tolist() == ["ID1", "ID2", "ID3"]
    assert server.requests == ["/archive.zip"]  # the second load reads the data home, no second download


@pytest.mark.parametrize("body, expected", [
    (None, "HTTP 404"),
    (b"this is not a zip file", "not a zip archive"),
    (allsides_zip(ARTICLES)[:200], "not a zip archive"),  # cut-off archive
], ids=["missing", "not-a-zip", "cut-off-zip"])
def test_download_failure_is_data_not_found(empty_mirror, server, monkeypatch, body, expected):
    url = server.base + "/archive.zip"
    if body is not None:
        server.add("/archive.zip", archive(body))
    serve_allsides(monkeypatch, url)

    with pytest.raises(DataNotFoundError) as info:
        datasets.load_allsides()
    message = str(info.value)
    assert "downloading it failed" in message
    assert url in message and expected in message
    assert "\n" not in message
    folder = config.data_home() / "allsides"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_archive_without_articles_is_data_not_found(empty_mirror, server, monkeypatch):
    serve_allsides(monkeypatch, server.add("/archive.zip", archive(allsides_zip([]))))
    with pytest.raises(DataNotFoundError, match=r"no data/jsons/\*\.json files"):
        datasets.locate("allsides", "articles")
    assert list((config.data_home() / "allsides").iterdir()) == []


@pytest.mark.parametrize("raw, expected", [
    ("2019-10-08", "2019-10-08"),
    ("10/9/19", "2019-10-09"),
    ("7/23/17", "2017-07-23"),
    ("1/2/2019", "2019-01-02"),
    ("  2019-10-08 ", "2019-10-08"),
    ("", None),
    (None, None),
    ("1/1/1800", None),  # bogus year
    ("0001-11-30", None),  # bogus year present in the real data
    ("2019-02-30", None),  # no such day
    ("13/1/19", None),  # no such month
    ("2019-1-8", None),  # unpadded ISO is not a format the repository uses
    ("October 8, 2019", None),
])
def test_normalise_allsides_date(raw, expected):
    assert datasets._normalise_allsides_date(raw) == expected


@needs_mirror
def test_load_allsides_real_mirror(project):
    df = datasets.load_allsides()
    assert len(df) == 37_554
    assert list(df.columns) == COLUMNS
    assert df["source_id"].is_unique
    assert df["published"].dtype.kind == "M" and df["published"].dt.tz is not None
    assert df["published"].isna().sum() == 37_554 - 33_144  # README: 33,144 records have date_iso
    assert df["published"].min() == pd.Timestamp("2001-10-23", tz="UTC")
    assert df["published"].max() == pd.Timestamp("2020-07-21", tz="UTC")
    assert df["dataset_label"].value_counts().to_dict() == {"right": 13_734, "left": 13_005, "center": 10_815}
    assert (df["text"].str.len() > 0).mean() > 0.99


# -- checksums: a download must give the declared articles -------------------------


def test_download_with_other_articles_than_declared_keeps_nothing(empty_mirror, server, monkeypatch):
    edited = [ARTICLES[0], ARTICLES[1], dict(ARTICLES[2], content_original="Altered text.")]
    url = server.add("/archive.zip", archive(allsides_zip(edited)))
    serve_allsides(monkeypatch, url, declared=ARTICLES)
    with pytest.raises(DataNotFoundError) as info:
        datasets.load_allsides()
    message = str(info.value)
    assert f"{url}: the 3 articles built from it do not match the published dataset (records sha256 " in message
    assert f"expected {datasets.records_digest(ARTICLES)}); nothing was kept" in message and "\n" not in message
    assert list((config.data_home() / "allsides").iterdir()) == []


def test_records_digest_ignores_order_and_what_the_build_changes():
    built = [{k: v for k, v in reversed(rec.items()) if k != "content"} | {"date_iso": None} for rec in ARTICLES]
    assert datasets.records_digest(reversed(built)) == datasets.records_digest(ARTICLES)
    for field in ("title", "bias_text", "url", "ID"):
        changed = [dict(ARTICLES[0], **{field: "x"}), *ARTICLES[1:]]
        assert datasets.records_digest(changed) != datasets.records_digest(ARTICLES), field
    assert datasets.records_digest(ARTICLES[:2]) != datasets.records_digest(ARTICLES)


@needs_mirror
@pytest.mark.slow  # hashes 37,554 articles (about 6 s of CPU)
def test_the_declared_digest_is_the_mirrors():
    assert datasets.records_digest(datasets.iter_jsonl(MIRROR_ARTICLES)) == datasets.ALLSIDES_RECORDS_SHA256


def test_loading_some_ids_gives_the_rows_of_the_full_load(project):
    # the gold loaders read a few ids: lines are skipped by their leading ID, except lines laid out otherwise
    home_file = config.data_home() / "allsides" / "articles.jsonl.gz"
    home_file.parent.mkdir(parents=True)
    records = [dict(article(i, "2019-10-08", "left"), date_iso="2019-10-08") for i in ("A1", "A2", "A3")]
    reordered = {"topic": "china", **dict(article("A4", "", "right"), date_iso=None)}  # "ID" not first
    with gzip.open(home_file, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in [*records, reordered])
        fh.write("\n")
    full = datasets.load_allsides().set_index("source_id")
    some = datasets.load_allsides_ids(["A3", "A4", "A1", "not there"]).set_index("source_id")
    assert sorted(some.index) == ["A1", "A3", "A4"]
    pd.testing.assert_frame_equal(some.sort_index(), full.loc[["A1", "A3", "A4"]])


def _line_by_line(path: Path) -> pd.DataFrame:
    return datasets._allsides_frame([datasets._allsides_record(r) for r in datasets.iter_jsonl(path)])


def test_the_arrow_reader_gives_the_line_by_line_table_on_awkward_records(tmp_path):
    records = [
        {"ID": "a", "source": "Outlet", "url": "", "title": None, "date_iso": "2019-10-08", "content_original": "T.",
         "bias_text": "left", "topic": "china", "authors": "", "extra": {"nested": [1, 2]}},
        {"ID": "b", "date_iso": None, "content_original": "Only text, most keys missing.", "bias_text": None},
        {"ID": "c", "source": "Ünïcode “quotes”", "url": "https://e.example/c", "title": "中文", "date_iso": "not a date",
         "content_original": "line one\nline two", "bias_text": "right", "topic": "", "authors": "A, B"},
    ]
    path = tmp_path / "articles.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n\n")
    pd.testing.assert_frame_equal(datasets._allsides_arrow_frame(path), _line_by_line(path))


@needs_mirror
def test_the_arrow_reader_gives_the_line_by_line_table_on_the_china_subset():
    path = SHARED_DATA / "allsides" / "china_related_subset.jsonl.gz"
    pd.testing.assert_frame_equal(datasets._allsides_arrow_frame(path), _line_by_line(path))


def test_a_file_pyarrow_rejects_is_read_line_by_line_and_a_bad_line_stops_it(tmp_path, monkeypatch):
    path = tmp_path / "articles.jsonl"
    path.write_text('{"ID": "a", "content_original": "fine"}\n{"ID": 7, "content_original": "an id that is a number"}\n')
    monkeypatch.setattr(datasets, "locate", lambda *a, **k: path)
    assert datasets.load_allsides()["source_id"].tolist() == ["a", 7]  # as the line-by-line reader always gave
    path.write_text('{"ID": "a", "content_original": "fine"}\n{"content_original": "a record without its ID"}\n')
    with pytest.raises(KeyError):  # as before: pyarrow would give a null ID and carry on
        datasets.load_allsides()
    path.write_text('{"ID": "a", "url": null}\n{"ID": "b"}\n')  # a column null throughout: the same dtypes too
    pd.testing.assert_frame_equal(datasets.load_allsides(), _line_by_line(path))
    path.write_text('{"ID": "a", "content_original": "fine"}\n{"ID": "b", "content_original": \n')
    with pytest.raises(json.JSONDecodeError):
        datasets.load_allsides()
