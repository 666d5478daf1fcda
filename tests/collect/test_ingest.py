"""Ingest: imports, problems reported by file and line, sources, outlet resolution."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import REPO, TINY_ARTICLES, write_jsonl

from analysis.collect import ingest
from analysis.collect.outlets import load_registry, resolve_outlets
from analysis.core import config, storage, tables
from analysis.core.errors import InputFileError
from analysis.core.patterns import PatternTimeoutError
from analysis.core.study import load_study


def test_rows_missing_text_or_outlet_are_reported_with_line(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [
        TINY_ARTICLES[0], {"outlet": "Reuters", "title": "no body"}, {"text": "body only"}, TINY_ARTICLES[1],
    ])
    rows, problems = ingest.read_article_file(path)
    assert list(rows["line"]) == [1, 4]
    assert [str(p) for p in problems] == ["a.jsonl:2: missing text; row skipped",
                                          "a.jsonl:3: missing outlet; row skipped"]


def test_broken_json_line_is_an_error_naming_file_and_line(tmp_path):
    path = tmp_path / "b.jsonl"
    path.write_text('{"outlet": "X", "text": "ok"}\n{"outlet": "X", "text": \n', encoding="utf-8")
    with pytest.raises(InputFileError, match=r"^b.jsonl:2: invalid JSON"):
        ingest.read_article_file(path)


@pytest.mark.parametrize("content, match", [
    (b"", "no articles in file"),
    (b"\xff\xfe\x00bad", "not UTF-8 text"),
    (b"[1, 2]\n", "expected a JSON object, got list"),
])
def test_other_bad_files(tmp_path, content, match):
    path = tmp_path / "c.jsonl"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=match):
        ingest.read_article_file(path)


def test_csv_import_keeps_multiline_text_and_reports_physical_lines(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text('outlet,title,text,published\nReuters,T1,"line one\nline two",2019-10-08\n'
                    'Fox News,T2,,2019-10-09\nVox,T3,body,not a date\n', encoding="utf-8")
    rows, problems = ingest.read_article_file(path)
    assert rows["text"].tolist() == ["line one\nline two", "body"]
    assert [str(p) for p in problems] == ["d.csv:4: missing text; row skipped",
                                          "d.csv:5: unreadable date 'not a date'; kept as undated"]


def test_unsupported_extension(tmp_path):
    path = tmp_path / "e.xml"
    path.write_text("<a/>")
    with pytest.raises(InputFileError, match=r"unsupported file type '.xml'; use .jsonl, .csv, .tsv or .xlsx"):
        ingest.read_article_file(path)


def test_import_is_idempotent_and_never_overwrites(project, tiny_jsonl):
    paths = config.study_paths("t")
    stored, n, problems, new = ingest.import_file(tiny_jsonl, paths)
    assert (n, problems, new) == (5, [], True)
    before = stored.read_bytes()
    again = ingest.import_file(tiny_jsonl, paths)
    assert again[3] is False and stored.read_bytes() == before
    assert len(storage.list_files(paths.imports)) == 1


def test_build_articles_from_imports(tiny_study):
    study = load_study(tiny_study)
    articles = ingest.build_articles(study, tiny_study)
    tables.validate(articles, "articles_raw")
    assert set(articles["language"]) == {"en"} and set(articles["extractor"]) == {"import"}
    assert len(articles) == 5
    by_outlet = articles.groupby("outlet")["leaning"].first().to_dict()
    assert by_outlet == {"Fox News": "right", "Reuters": "center", "The Guardian": "left"}
    assert set(articles["leaning_source"]) == {"AllSides via Baly et al. 2020"}


def test_ids_are_scoped_per_file_and_id_less_copies_are_kept_once(tiny_study, tmp_path):
    no_ids = [{k: v for k, v in a.items() if k != "id"} for a in TINY_ARTICLES[:2]]
    ingest.import_file(write_jsonl(tmp_path / "n1.jsonl", no_ids), tiny_study)
    ingest.import_file(write_jsonl(tmp_path / "n2.jsonl", no_ids + [{"outlet": "Vox", "text": "x"}]), tiny_study)
    # a second export that numbers its rows like the first: different articles, same ids
    other = [{**TINY_ARTICLES[3], "outlet": "Vox", "text": "Another story entirely."}]
    ingest.import_file(write_jsonl(tmp_path / "o.jsonl", [{**other[0], "id": "a1"}]), tiny_study)
    articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    assert len(articles) == 5 + 2 + 1 + 1
    assert (articles["outlet"] == "Vox").sum() == 2


def test_date_window_and_undated(tiny_study, tmp_path):
    extra = write_jsonl(tmp_path / "x.jsonl", [
        {"outlet": "Vox", "title": "old", "text": "From 2015.", "published": "2015-01-01"},
        {"outlet": "Vox", "title": "undated", "text": "No date."},
    ])
    ingest.import_file(extra, tiny_study)
    articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    assert "old" not in set(articles["title"])
    assert articles.loc[articles["title"] == "undated", "published"].isna().all()


def test_match_clauses_all_must_hold():
    df = pd.DataFrame({"title": ["Huawei ban", "Huawei", "ban"], "text": ["Huawei again", "Huawei x2 huawei", ""]})
    from analysis.core.study import MatchClause

    kept = ingest.match_articles(df, (MatchClause(("huawei",), 2), MatchClause((r"\bban\b",), 1)))
    assert kept.index.tolist() == [0]


def test_count_matches_falls_back_to_python_re_for_lookarounds():
    texts = pd.Series(["ZTE and zte", "ZTEX", None])
    assert ingest.count_matches(texts, r"(?<!\w)zte(?!\w)").tolist() == [2, 0, 0]
    assert ingest.count_matches(texts, r"\bzte\b").tolist() == [2, 0, 0]


def test_outlet_resolution_prefers_alias_then_domain():
    registry = load_registry(REPO / "data" / "outlets.csv")
    df = pd.DataFrame({
        "source_outlet": ["Guest Writer - Right", "Some Blog", "CNN (Web News)", "Mystery"],
        "url": ["https://www.nationalreview.com/x", "https://edition.cnn.com/y", None, None],
        "dataset_label": [None, None, None, "left"],
    })
    out = resolve_outlets(df, registry=registry)
    assert out["outlet"].tolist() == ["Guest Writer - Right", "CNN", "CNN", "Mystery"]
    assert out["leaning_source"].iloc[3] == "source dataset label"
    assert out["outlet_type"].iloc[3] == "unclassified"


def test_default_study_ingests_real_allsides_and_seed(project):
    import shutil

    paths = config.study_paths("entity-list")
    paths.study_dir.mkdir(parents=True)
    shutil.copy(REPO / "data" / "studies" / "entity-list" / "study.toml", paths.study_file)
    articles = ingest.build_articles(load_study(paths), paths)
    assert 60 <= len(articles) <= 150
    assert articles["outlet"].nunique() >= 25
    seed = articles.loc[articles["outlet"] == "Reclaim The Net"]
    assert len(seed) == 1 and seed["outlet_type"].iloc[0] == "advocacy"
    assert seed["title"].iloc[0].startswith("Chinese companies added to US blacklist")
    assert not seed["text"].iloc[0].startswith("Clicky")
    assert set(articles["leaning"]) >= {"left", "center", "right"}


def test_jsonl_with_raw_line_separators_inside_strings(tmp_path):
    import json

    path = tmp_path / "u.jsonl"
    path.write_text(json.dumps({"outlet": "X", "text": "First.\u2028Second\u0085third."}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    rows, problems = ingest.read_article_file(path)
    # one record; U+0085 is a C1 control, which ftfy reads as the windows-1252 character it almost always is
    assert len(rows) == 1 and not [p for p in problems if p.skipped]
    assert rows["text"].item() == "First.\u2028Second\u2026third."


def test_unusable_url_does_not_break_ingest(tiny_study, tmp_path):
    ingest.import_file(write_jsonl(tmp_path / "b.jsonl", [{"outlet": "Some Blog", "text": "t", "url": "http://[bad"}]),
                       tiny_study)
    articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    assert "Some Blog" in set(articles["outlet"])


def test_empty_study_says_why(project):
    from analysis.core.errors import StageInputError
    from analysis.core.study_template import skeleton

    paths = config.study_paths("empty")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text(skeleton("empty"))
    with pytest.raises(StageInputError, match=r"study 'empty': no articles after ingest \(0 read.*ingest empty FILE"):
        ingest.build_articles(load_study(paths), paths)


@pytest.mark.parametrize("text, canonical, expected", [
    ("Report text.\n\nThis article originally appeared in The New York Times.", None, "New York Times"),
    ("Republished with permission from Reuters.", None, "Reuters"),
    ("Own reporting, no credit line.", None, None),
    ("Body.", "https://www.nytimes.com/2019/10/07/us/x.html", "New York Times"),
    ("Body.", "https://www.hrw.org/news/x", None),  # canonical is the publisher itself
    ("Body.\nThis article originally appeared in The New York Times.", "https://www.hrw.org/news/x",
     "New York Times"),  # a self-canonical repost still credits its source
    ("This story first appeared in Some Unknown Blog.", None, None),
])
def test_original_outlet_of_reposts(text, canonical, expected):
    from analysis.collect.outlets import original_outlet

    registry = load_registry(REPO / "data" / "outlets.csv")
    assert original_outlet(publisher="Human Rights Watch", text=text, canonical_url=canonical,
                           registry=registry) == expected


def test_mixed_date_formats_do_not_break_ingest(tiny_study, tmp_path):
    ingest.import_file(write_jsonl(tmp_path / "dates.jsonl", [
        {"outlet": "Vox", "text": "a", "published": "2019-10-08 14:03:00+00:00"},
        {"outlet": "Vox", "text": "b", "published": "2019-10-09"},
        {"outlet": "Vox", "text": "c", "published": "Oct 10, 2019"},
    ]), tiny_study)
    articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    vox = articles.loc[articles["outlet"] == "Vox"].sort_values("published")
    assert vox["published"].dt.strftime("%Y-%m-%d").tolist() == ["2019-10-08", "2019-10-09", "2019-10-10"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "cp1252"])
def test_text_file_sources_decode_common_encodings(project, encoding):
    text = ("美国商务部将28个中国实体列入实体清单。北京表示坚决反对，并将采取必要措施维护中国企业的合法权益。" * 3
            if encoding == "gb18030" else "Commerce’s “Entity List” adds 28 entities — café owners react. " * 3)
    folder = project / "data" / "external" / "txt"
    folder.mkdir(parents=True)
    (folder / "a.txt").write_bytes(f"Headline\n{text}".encode(encoding))
    paths = config.study_paths("enc")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text('[study]\ntitle = "e"\nkeep_undated = true\n'
                                '[[sources]]\nkind = "files"\npath = "data/external/txt"\noutlet = "X"\n')
    articles = ingest.build_articles(load_study(paths), paths)
    assert articles["text"].item() == text.strip()
    assert articles["language"].item() == ("zh" if encoding == "gb18030" else "en")


def test_an_outlet_labelled_two_ways_by_a_dataset_takes_its_most_frequent_label():
    from analysis.collect import outlets

    registry = outlets.load_registry(REPO / "data" / "outlets.csv")
    articles = pd.DataFrame({"source_outlet": ["Unknown Weekly"] * 3 + ["Tie Daily"] * 2 + ["Solo Post"],
                             "url": [None] * 6,
                             "dataset_label": ["left", "center", "left", "right", "center", "right"]})
    out = outlets.resolve_outlets(articles, registry=registry)
    assert out.groupby("outlet")["leaning"].nunique().max() == 1
    leaning = out.drop_duplicates("outlet").set_index("outlet")["leaning"]
    assert leaning.to_dict() == {"Unknown Weekly": "left", "Tie Daily": "center", "Solo Post": "right"}
    assert out.loc[out["outlet"] == "Solo Post", "leaning_source"].iloc[0] == "source dataset label"
    assert out.loc[out["outlet"] == "Tie Daily", "leaning_source"].iloc[0].endswith("(most frequent for the outlet)")


def test_each_date_keeps_its_precision_and_the_run_counts_the_imprecise(tiny_study, tmp_path, caplog):
    ingest.import_file(write_jsonl(tmp_path / "precision.jsonl", [
        {"outlet": "Vox", "text": "a", "published": "2019-10-08T14:03:00-04:00"},
        {"outlet": "Vox", "text": "b", "published": "2019-10-09"},
        {"outlet": "Vox", "text": "c", "published": "2019-10"},
        {"outlet": "Vox", "text": "d", "published": "2019"},
        {"outlet": "Vox", "text": "e", "published": "Tuesday, October 8, 2019"},
        {"outlet": "Vox", "text": "f"},
    ]), tiny_study)
    with caplog.at_level("INFO", logger="analysis"):
        articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    vox = articles.loc[articles["outlet"] == "Vox"].set_index("text")["date_precision"]
    assert vox.to_dict() == {"a": "time", "b": "day", "c": "month", "d": "year", "e": "day", "f": ""}
    assert "2 articles dated only to the month or year and 1 undated" in caplog.text


def test_an_import_describes_outlets_the_registry_does_not_know(tiny_study, tmp_path, caplog):
    path = write_jsonl(tmp_path / "meta.jsonl", [
        {"outlet": "Global Times", "text": "China firmly opposes the move.", "outlet_type": "state media",
         "country": "cn", "leaning": "unrated", "language": "en"},
        {"outlet": "Ministry of Commerce of China", "text": "MOFCOM statement.", "outlet_type": "government",
         "country": "CN", "original_outlet": "Xinhua"},
        {"outlet": "Reuters", "text": "A wire story.", "leaning": "right"},  # the registry says otherwise
        {"outlet": "Some Blog", "text": "A blog post.", "leaning": "far left", "country": "Narnia"},
        {"outlet": "Mystery Wire", "text": "Nobody knows this outlet."},
    ])
    _, _, problems, _ = ingest.import_file(path, tiny_study)
    assert [str(p) for p in problems] == [
        "meta.jsonl:4: leaning 'far left' not understood (use one of left, lean left, center, lean right, right, "
        "unrated); left out",
        "meta.jsonl:4: country 'Narnia' not understood (use an ISO 3166 alpha-2 code such as US or CN); left out"]
    with caplog.at_level("INFO", logger="analysis"):
        articles = ingest.build_articles(load_study(tiny_study), tiny_study).set_index("outlet")
    assert articles.loc["Global Times", ["outlet_type", "country", "leaning_source"]].tolist() == \
        ["state media", "CN", "import file"]
    assert articles.loc["Ministry of Commerce of China", "original_outlet"] == "Xinhua"
    assert articles.loc["Reuters", "leaning"].iloc[0] == "center"  # the registry's rating is kept...
    assert "Reuters: the import gives leaning 'right', the outlet registry 'center'" in caplog.text  # ...and said
    assert "2 outlets are not in data/outlets.csv" in caplog.text
    assert "Mystery Wire, Some Blog" in caplog.text and "Global Times" not in caplog.text.split("outlets are not")[1]


def test_an_outlet_keeps_one_leaning_when_its_import_rows_disagree(tiny_study, tmp_path, caplog):
    ingest.import_file(write_jsonl(tmp_path / "split.jsonl", [
        {"outlet": "Split Daily", "text": "One.", "leaning": "left"},
        {"outlet": "Split Daily", "text": "Two.", "leaning": "left"},
        {"outlet": "Split Daily", "text": "Three.", "leaning": "right"},
        {"outlet": "Split Daily", "text": "Four."},
    ]), tiny_study)
    with caplog.at_level("INFO", logger="analysis"):
        articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    assert set(articles.loc[articles["outlet"] == "Split Daily", "leaning"]) == {"left"}
    assert "Split Daily: the imports give leaning 'left', 'right'; 'left', the most frequent, is used" in caplog.text


def test_a_match_pattern_re2_cannot_run_falls_back_with_a_time_limit():
    texts = pd.Series(["bans and banned", "a" * 40 + "!", None])
    assert ingest.count_matches(texts, r"\bban(?=s|ned)").tolist() == [2, 0, 0]  # a lookahead: not RE2, same counts
    with pytest.raises(PatternTimeoutError, match=r"^\[\[sources.match\]\]: pattern '\(\?=a\)\(\\\\w\|"):
        ingest.count_matches(texts, r"(?=a)(\w|\w\w)+$")
