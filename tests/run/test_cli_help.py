"""The command line's manners: examples in every --help, -q on either side, suggestions, `list`."""

import subprocess
import sys

import pytest

from analysis.run import cli
from analysis.run.stages import STAGE_HELP


def _subcommands() -> dict:
    parser = cli.build_parser()
    return next(a for a in parser._actions if a.dest == "command").choices


def test_every_command_help_ends_with_an_example(capsys):
    for name, sub in _subcommands().items():
        text = sub.format_help()
        assert "examples:\n  python -m analysis" in text, name


def test_top_level_and_run_help_name_every_stage():
    parser = cli.build_parser()
    top, run = parser.format_help(), _subcommands()["run"].format_help()
    for stage in STAGE_HELP:
        assert stage in top.replace("\n", " ") and stage in run.replace("\n", " "), stage


@pytest.mark.parametrize("argv", [["-q", "run", "x"], ["run", "x", "-q"], ["run", "-q", "x"]])
def test_quiet_goes_before_or_after_the_command(argv):
    args = cli.build_parser().parse_args(argv)
    assert args.quiet is True and args.study == "x"


def test_without_quiet_the_flag_is_false_whichever_parser_read_it():
    assert cli.build_parser().parse_args(["run", "x"]).quiet is False


def test_misspelled_command_gets_a_suggestion(capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["rnu"])
    assert "did you mean 'run'?" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["codesheet", "export", "s", "--measure", "frame", "--n", "3"])
    assert "did you mean 'frames'?" in capsys.readouterr().err


def test_misspelled_study_and_list_in_a_project(tmp_path):
    studies = tmp_path / "data" / "studies"
    for name in ("entity-list", "other"):
        (studies / name).mkdir(parents=True)
    (studies / "entity-list" / "study.toml").write_text('[study]\ntitle = "x"\n')
    (studies / "other" / "study.toml").write_text("this is not toml = = \n")
    env = {"ANALYSIS_PROJECT_ROOT": str(tmp_path), "PATH": "/usr/bin:/bin"}
    wrong = subprocess.run([sys.executable, "-m", "analysis", "run", "entiy-list"], capture_output=True, text=True,
                           env=env)
    assert wrong.returncode != 0 and "did you mean 'entity-list'?" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    listed = subprocess.run([sys.executable, "-m", "analysis", "list"], capture_output=True, text=True, env=env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["STUDY", "STATE", "LAST", "RUN", "REPORT"]
    assert any(line.startswith("other ") and "invalid study.toml" in line for line in lines)
    assert any(line.startswith("entity-list ") for line in lines)


def test_readme_command_table_lists_every_command():
    from conftest import REPO

    readme = (REPO / "README.md").read_text()
    table = readme.split("### Command line", 1)[1].split("\n### ", 1)[0]
    for name in _subcommands():
        assert f"| `{name}` |" in table, name
