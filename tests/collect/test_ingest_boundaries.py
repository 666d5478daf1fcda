"""Ingest against what a study file, an export or a page can hold: paths out of the project (issue 25.2),
column names of real exports on the command line and in study.toml (issue 23.2), mojibake and the size
limit carried to quality_flags (issues 25.4, 25.10), and one timezone convention for dates (issue 25.7)."""

from __future__ import annotations

import csv
import os

import pandas as pd
import pytest
from conftest import write_jsonl

from analysis.collect import ingest
from analysis.collect.dates import to_utc
from analysis.collect.rows import MAX_ARTICLE_CHARS
from analysis.core import config, storage
from analysis.core.errors import StudyConfigError
from analysis.core.study import load_study
from analysis.run import dag
from analysis.run.cli import main

BODY = "The Commerce Department added Hikvision to the Entity List. Beijing said it firmly opposes the move. " * 3


def _study(root, name: str, sources: str, *, extra: str = ""):
    paths = config.study_paths(name)
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text(f'[study]\ntitle = "t"\nkeep_undated = true\n{extra}\n{sources}', encoding="utf-8")
    return paths


# --- the file boundary ------------------------------------------------------------------------------------

def test_a_files_source_cannot_read_etc_passwd(project, capsys):
    _study(project, "b", '[[sources]]\nkind = "files"\npath = "../../../../../../../../etc"\npattern = "passwd"\n'
                         'outlet = "X"\n')
    assert main(["-q", "run", "b", "--until", "ingest"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("error: ") and "[[sources]] kind = 'files', key 'path' = '../../../../../../../../etc'" in err
    assert "/etc is outside the project" in err and "--allow-outside-paths" in err
    assert not config.study_paths("b").table("articles_raw").exists()


def test_a_symlink_out_of_the_project_is_refused_and_the_flag_allows_it(project, tmp_path, capsys):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(f"Secret title\n{BODY}", encoding="utf-8")
    folder = project / "data" / "external" / "txt"
    folder.mkdir(parents=True)
    (folder / "own.txt").write_text(f"Own title\n{BODY}", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    paths = _study(project, "s", '[[sources]]\nkind = "files"\npath = "data/external/txt"\noutlet = "X"\n')
    with pytest.raises(StudyConfigError, match=r"key 'path' = 'data/external/txt': .*link\.txt links to "
                                               r".*outside/secret\.txt is outside the project"):
        ingest.build_articles(load_study(paths), paths)
    assert main(["-q", "run", "s", "--until", "ingest"]) == 2
    assert "link.txt links to" in capsys.readouterr().err
    assert main(["-q", "run", "s", "--until", "ingest", "--allow-outside-paths"]) == 0
    titles = set(storage.read_table(paths.table("articles_raw"))["title"])
    assert titles == {"Own title", "Secret title"}


def test_an_absolute_path_outside_is_refused_and_one_in_the_data_home_is_read(project, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.txt").write_text(f"T\n{BODY}", encoding="utf-8")
    paths = _study(project, "o", f'[[sources]]\nkind = "files"\npath = "{outside}"\noutlet = "X"\n')
    with pytest.raises(StudyConfigError, match="is outside the project"):
        ingest.source_files(load_study(paths).sources[0], paths)
    allowed = config.study_paths("o", allow_outside=True)
    assert len(ingest.build_articles(load_study(allowed), allowed)) == 1
    home = config.data_home() / "texts"
    home.mkdir(parents=True)
    (home / "a.txt").write_text(f"T\n{BODY}", encoding="utf-8")
    paths = _study(project, "h", f'[[sources]]\nkind = "files"\npath = "{home}"\noutlet = "X"\n')
    assert len(ingest.build_articles(load_study(paths), paths)) == 1


def test_a_file_linked_into_the_imports_folder_from_outside_is_refused(tiny_study, tmp_path):
    outside = write_jsonl(tmp_path / "outside.jsonl", [{"outlet": "X", "text": "from outside"}])
    os.symlink(outside, tiny_study.imports / "zz-linked.jsonl")
    with pytest.raises(StudyConfigError, match=r"kind = 'imports' \(data/raw imports\): .*zz-linked\.jsonl links to"):
        dag.run_stage("ingest", load_study(tiny_study), tiny_study)


# --- column names of real exports -------------------------------------------------------------------------

def _export(tmp_path, name="export.csv", delimiter=";"):
    rows = [["source", "headline", "body", "when"],
            ["Reuters", "T1", "Hikvision was added to the list; Beijing objected.", "2019-10-08"],
            ["Fox News", "T2", "Second body, with a comma.", "2019-10-09"],
            ["Brand New Outlet", "T3", "Third body.", "2019-10-10"]]
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)  # quotes the value that holds a semicolon
    return path


def test_ingest_maps_columns_from_the_command_line_and_remembers_them(project, tmp_path, capsys):
    paths = _study(project, "m", '[[sources]]\nkind = "imports"\n')
    export = _export(tmp_path)
    assert main(["ingest", "m", str(export)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("error: export.csv: missing column 'outlet'; found source, headline, body, when; did you "
                           "mean 'source'? -> use --outlet-col source (or [columns] outlet = \"source\" in study.toml)")
    assert main(["ingest", "m", str(export), "--outlet-col", "source", "--text-col", "body", "--title-col",
                 "headline", "--date-col", "when"]) == 0
    said = capsys.readouterr().err  # the log: unknown outlets are listed after ingest
    assert "imported " in said and "3 usable rows, 0 problems" in said
    assert "1 outlets are not in data/outlets.csv" in said and "Brand New Outlet" in said
    raw = storage.read_table(paths.table("articles_raw")).sort_values("title")
    assert raw["title"].tolist() == ["T1", "T2", "T3"]
    assert raw["published"].dt.strftime("%Y-%m-%d").tolist() == ["2019-10-08", "2019-10-09", "2019-10-10"]
    # the stage re-reads the stored copy with the names it was imported with
    assert main(["-q", "run", "m", "--until", "ingest", "--force"]) == 0
    assert len(storage.read_table(paths.table("articles_raw"))) == 3


def test_unknown_outlets_close_to_a_registry_name_are_listed_with_a_guess(project, tmp_path, capsys):
    _study(project, "g", '[[sources]]\nkind = "imports"\n')
    names = ["Reuter", "The Gaurdian", "CNBC News", "Brand New Outlet", "Reuters"]
    export = write_jsonl(tmp_path / "guess.jsonl", [{"outlet": o, "title": f"T{i}", "text": f"{BODY} {i}"}
                                                   for i, o in enumerate(names)])
    assert main(["ingest", "g", str(export)]) == 0
    listing = next(line for line in capsys.readouterr().err.splitlines() if "outlets are not in" in line)
    assert "4 outlets are not in data/outlets.csv" in listing
    assert ("unrated: Brand New Outlet, CNBC News, Reuter (did you mean 'Reuters'?), "
            "The Gaurdian (did you mean 'The Guardian'?). Add them") in listing


def test_a_columns_table_in_study_toml_maps_every_import(project, tmp_path):
    paths = _study(project, "c", '[[sources]]\nkind = "imports"\n',
                   extra='[columns]\noutlet = "source"\ntext = "body"\ntitle = "headline"\ndate = "when"\n')
    assert main(["-q", "ingest", "c", str(_export(tmp_path, "tabs.tsv", "\t"))]) == 0
    raw = storage.read_table(paths.table("articles_raw"))
    assert sorted(raw["title"]) == ["T1", "T2", "T3"] and raw["published"].notna().all()
    paths.study_file.write_text(paths.study_file.read_text().replace('text = "body"', 'txt = "body"'))
    with pytest.raises(StudyConfigError, match=r"\[columns\]: unknown key 'txt'; allowed keys: id, outlet, title, "
                                               r"text, url, date, author"):
        load_study(paths)


# --- flags carried to quality_flags -----------------------------------------------------------------------

def test_a_cp1252_page_declared_utf8_is_repaired_and_flagged_through_clean(project):
    folder = project / "data" / "pages"
    folder.mkdir(parents=True)
    body = ("<html><head><meta charset='utf-8'><title>Beijing\x92s reply</title></head><body><article>"
            + "".join(f"<p>Paragraph {i}: the ministry\x92s caf\xe9 statement \x96 Beijing opposes the move and "
                      f"says it will respond.</p>" for i in range(8)) + "</article></body></html>")
    (folder / "page.html").write_bytes(body.encode("latin-1"))
    (folder / "mojibake.html").write_bytes(body.replace("\x92", "â€™").replace("\xe9", "Ã©").replace("\x96", "â€“")
                                           .replace("Paragraph", "Section").encode("utf-8"))
    paths = _study(project, "p", '[[sources]]\nkind = "html"\npath = "data/pages"\noutlet = "Reuters"\n')
    study = load_study(paths)
    dag.run_stage("ingest", study, paths)
    raw = storage.read_table(paths.table("articles_raw"))
    assert raw["ingest_flags"].tolist() == ["mojibake_repaired", "mojibake_repaired"]
    assert all("ministry’s café statement – Beijing" in t for t in raw["text"])
    assert "\ufffd" not in "".join(raw["text"]) and "â€" not in "".join(raw["text"])
    dag.run_stage("clean", study, paths)
    flags = storage.read_table(paths.table("articles"))["quality_flags"]
    assert all(f.split(";")[0] == "mojibake_repaired" for f in flags)


def test_a_long_text_file_is_cut_and_flagged_truncated(project):
    folder = project / "data" / "long"
    folder.mkdir(parents=True)
    (folder / "long.txt").write_text("Title\n" + "word " * (MAX_ARTICLE_CHARS // 5 + 100), encoding="utf-8")
    (folder / "mojibake.txt").write_text(f"Itâ€™s a title\nItâ€™s a body. {BODY}", encoding="utf-8")
    paths = _study(project, "l", '[[sources]]\nkind = "files"\npath = "data/long"\noutlet = "X"\n')
    raw = ingest.build_articles(load_study(paths), paths).set_index("source_id")
    assert raw.loc["long.txt", "ingest_flags"] == "truncated" and len(raw.loc["long.txt", "text"]) <= MAX_ARTICLE_CHARS
    assert raw.loc["mojibake.txt", "ingest_flags"] == "mojibake_repaired"
    assert raw.loc["mojibake.txt", "title"] == "It’s a title"


def test_clean_imports_raise_no_flags_and_keep_no_extra(tiny_study):
    raw = ingest.build_articles(load_study(tiny_study), tiny_study)
    assert set(raw["ingest_flags"]) == {""} and raw["extra"].isna().all()


# --- one timezone convention (issue 25.7) -----------------------------------------------------------------

def test_dates_are_utc_aware_whatever_the_mix():
    out = to_utc(pd.Series(["2019-10-08T14:03:00-04:00", "2019-10-09", None, pd.Timestamp("2019-10-10"),
                            pd.Timestamp("2019-10-11 09:00", tz="Asia/Tokyo"), "not a date"], dtype=object))
    assert isinstance(out.dtype, pd.DatetimeTZDtype) and str(out.dtype.tz) == "UTC"
    assert out.dt.strftime("%Y-%m-%d %H:%M").fillna("").tolist() == [
        "2019-10-08 18:03", "2019-10-09 00:00", "", "2019-10-10 00:00", "2019-10-11 00:00", ""]
    assert isinstance(to_utc(pd.Series([None, None], dtype=object)).dtype, pd.DatetimeTZDtype)


def test_undated_articles_sharing_text_draw_in_the_reuse_network(tiny_study, tmp_path):
    """The report crashed here (06_provenance: Cannot subtract tz-naive and tz-aware) when every article of
    the reuse pairs was undated; ingest gives aware UTC dates and the figure keeps to naive UTC inside."""
    from analysis.report import provenance_figures

    ingest.import_file(write_jsonl(tmp_path / "undated.jsonl", [
        {"outlet": o, "title": f"u{i}", "text": BODY + f" Closing line {i}."} for i, o in enumerate(["Vox", "CNN"])
    ]), tiny_study)
    articles = ingest.build_articles(load_study(tiny_study), tiny_study)
    assert isinstance(articles["published"].dtype, pd.DatetimeTZDtype)
    undated = articles.loc[articles["title"].isin(["u0", "u1"]), "doc_id"].tolist()
    assert articles.set_index("doc_id").loc[undated, "published"].isna().all()
    pairs = pd.DataFrame([{"doc_a": undated[0], "doc_b": undated[1], "containment_a_in_b": 0.9,
                           "containment_b_in_a": 0.9, "direction": "unknown", "relation": "copy",
                           "syndicated": True}])
    plot = provenance_figures.reuse_network(pairs, articles, min_containment=0.15)
    assert plot.caption.startswith("Text reuse: 1 pair")

