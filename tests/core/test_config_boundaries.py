"""The file boundary (issue 25.2) on the paths study.toml names besides its sources: the outlet registry,
dictionaries, codebooks and saved-model folders resolve inside the project or the data home (the shipped
codebooks too), else a one-line error unless ``--allow-outside-paths`` is on the command line."""

from __future__ import annotations

import shutil

import pytest

from analysis.core import config, storage
from analysis.core.errors import StudyConfigError
from analysis.core.study import load_study
from analysis.framing.frame import framing_inputs
from analysis.run.cli import main
from analysis.sentiment import instruments

BODY = "The Commerce Department added Hikvision to the Entity List. Beijing said it firmly opposes the move. " * 3
SOURCE = '[[sources]]\nkind = "files"\npath = "data/txt"\noutlet = "Reuters"\n'


def _study(project, name: str, *, study: str = "", rest: str = "") -> config.StudyPaths:
    (project / "data" / "txt").mkdir(parents=True, exist_ok=True)
    (project / "data" / "txt" / "a.txt").write_text(f"A title\n{BODY}", encoding="utf-8")
    paths = config.study_paths(name)
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text(f'[study]\ntitle = "t"\nkeep_undated = true\n{study}\n{rest}\n{SOURCE}',
                                encoding="utf-8")
    return paths


def _outside(tmp_path, name: str):
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    return folder / name


def _linked(project, relative: str, target):
    link = project / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return link


def _allowed(paths: config.StudyPaths) -> config.StudyPaths:
    return config.study_paths(paths.study, allow_outside=True)


def test_an_outlet_registry_linked_from_outside_is_refused(project, tmp_path, capsys):
    registry = _outside(tmp_path, "outlets.csv")
    shutil.copy(project / "data" / "outlets.csv", registry)
    _linked(project, "data/registry.csv", registry)
    paths = _study(project, "o", study='outlets = "data/registry.csv"')
    assert main(["-q", "run", "o", "--until", "ingest"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert "[study] key 'outlets' = 'data/registry.csv': " in err and "registry.csv links to " in err
    assert "outside/outlets.csv is outside the project" in err and "--allow-outside-paths" in err
    assert not paths.table("articles_raw").exists()
    # ../ out of the project is refused as well, and the flag lets both through
    paths.study_file.write_text(paths.study_file.read_text().replace("data/registry.csv", "../outside/outlets.csv"))
    assert main(["-q", "run", "o", "--until", "ingest"]) == 2
    assert "key 'outlets' = '../outside/outlets.csv'" in capsys.readouterr().err
    assert main(["-q", "run", "o", "--until", "ingest", "--allow-outside-paths"]) == 0
    assert storage.read_table(paths.table("articles_raw"))["title"].tolist() == ["A title"]


def test_a_dictionary_linked_from_outside_is_refused(project, tmp_path):
    lexicon = _outside(tmp_path, "tone.dic")
    lexicon.write_text("%\n1\tpositive\n2\tnegative\n%\ngood\t1\nbad\t2\n", encoding="utf-8")
    _linked(project, "data/lexicons/tone.dic", lexicon)
    (project / "data" / "lexicons" / "own.dic").write_text(lexicon.read_text(), encoding="utf-8")
    dictionaries = "".join(f'[[sentiment.dictionaries]]\nname = "{n}"\npath = "data/lexicons/{n}.dic"\n'
                           f'positive = ["positive"]\nnegative = ["negative"]\n' for n in ("own", "tone"))
    paths = _study(project, "d", rest=f'[sentiment]\ninstruments = ["vader", "own", "tone"]\n{dictionaries}')
    study = load_study(paths)
    with pytest.raises(StudyConfigError) as err:
        instruments.training_files(study, paths)
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"{paths.study_file}: [[sentiment.dictionaries]] name = 'tone', "
                                                "key 'path' = 'data/lexicons/tone.dic': ")
    assert "tone.dic links to" in line and "is outside the project" in line and "--allow-outside-paths" in line
    files = instruments.training_files(study, _allowed(paths))
    assert {f.name for f in files} >= {"own.dic", "tone.dic"}


def test_a_codebook_path_outside_is_refused_and_shipped_codebooks_are_inside(project, tmp_path, capsys):
    codebook = _outside(tmp_path, "mine.toml")
    shutil.copy(config.SHIPPED_CODEBOOKS / "policy_frames.toml", codebook)
    _linked(project, "data/codebooks/mine.toml", codebook)
    shipped = config.SHIPPED_CODEBOOKS / "entity_list.toml"  # named by path, outside this tmp project
    paths = _study(project, "c",
                   rest=f'[framing]\ncodebooks = ["generic_news_frames", "{shipped}", "data/codebooks/mine.toml"]\n')
    study = load_study(paths)
    with pytest.raises(StudyConfigError) as err:
        framing_inputs(study, paths)
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"{paths.study_file}: [framing] key 'codebooks': "
                                                "'data/codebooks/mine.toml': ")
    assert "mine.toml links to" in line and "is outside the project" in line
    assert [p.name for p in framing_inputs(study, _allowed(paths))[:3]] == [
        "generic_news_frames.toml", "entity_list.toml", "mine.toml"]
    # shipped codebooks, by name or by path, are inside
    paths.study_file.write_text(paths.study_file.read_text().replace(', "data/codebooks/mine.toml"', ""))
    assert [p.name for p in framing_inputs(load_study(paths), paths)[:2]] == [
        "generic_news_frames.toml", "entity_list.toml"]
    # frame coding sheets read the first codebook, so `codesheet` takes the flag too
    paths.study_file.write_text(paths.study_file.read_text().replace(
        f'"generic_news_frames", "{shipped}"', '"data/codebooks/mine.toml"'))
    sheet = ["-q", "codesheet", "export", "c", "--measure", "frames", "--n", "5"]
    assert main(sheet) == 2
    assert "[framing] key 'codebooks': 'data/codebooks/mine.toml': " in capsys.readouterr().err
    assert main([*sheet, "--allow-outside-paths"]) == 2  # past the codebook, to the tables not built yet
    err = capsys.readouterr().err
    assert "outside the project" not in err and "run the" in err


def test_a_saved_model_folder_outside_or_linking_out_is_refused(project, tmp_path):
    model = _outside(tmp_path, "model")
    model.mkdir()
    (model / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    _linked(project, "data/models/linked", model)
    inside = project / "data" / "models" / "inside"
    inside.mkdir()
    (inside / "config.json").write_text('{"model_type": "bert"}', encoding="utf-8")
    models = '[[sentiment.models]]\nname = "m"\nkind = "sentence"\nmodel = "data/models/linked"\n'
    paths = _study(project, "m", rest=f'[sentiment]\ninstruments = ["vader", "m"]\n{models}')
    with pytest.raises(StudyConfigError) as err:
        instruments.training_files(load_study(paths), paths)
    line = str(err.value)
    assert "\n" not in line and line.startswith(f"{paths.study_file}: [[sentiment.models]] name = 'm', "
                                                "key 'model' = 'data/models/linked': ")
    assert "linked links to" in line and "outside/model is outside the project" in line
    assert [f.name for f in instruments.training_files(load_study(paths), _allowed(paths))] == ["config.json"]
    # a folder inside whose weights link out is refused as well; one wholly inside is read
    paths.study_file.write_text(paths.study_file.read_text().replace("data/models/linked", "data/models/inside"))
    assert [f.name for f in instruments.training_files(load_study(paths), paths)] == ["config.json"]
    (model / "model.safetensors").write_bytes(b"weights")
    (inside / "model.safetensors").symlink_to(model / "model.safetensors")
    with pytest.raises(StudyConfigError, match=r"key 'model' = 'data/models/inside': .*model\.safetensors links to"):
        instruments.training_files(load_study(paths), paths)


def test_a_project_folder_given_as_a_string_works_as_a_path(tmp_path):
    # study_paths("s", root="/my/project") failed with "unsupported operand type(s) for /: 'str' and 'str'"
    as_string = config.study_paths("s", root=str(tmp_path))
    assert as_string.table("articles") == config.study_paths("s", root=tmp_path).table("articles")
    assert as_string.study_file == tmp_path / "data" / "studies" / "s" / "study.toml"
