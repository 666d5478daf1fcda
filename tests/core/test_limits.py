"""Every number of a study file is bounded and finite, study files are read as UTF-8 (BOM or not), and settings
that imply more memory than the machine has fail in one line before anything is allocated."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from analysis.core import config, limits
from analysis.core.errors import StudyConfigError
from analysis.core.study import load_study, parse_study
from analysis.run.cli import main

P = Path("data/studies/x/study.toml")
HEAD = '[study]\ntitle = "t"\n'
IMPORTS = '[[sources]]\nkind = "imports"\n'
# Where each table's numeric keys are written: a study that is valid but for the key under test.
SNIPPETS = {
    "study": HEAD + "{line}\n" + IMPORTS,
    "compare": HEAD + IMPORTS + "[compare]\n{line}\n",
    "collect": HEAD + IMPORTS + "[collect]\n{line}\n",
    "framing": HEAD + IMPORTS + "[framing]\n{line}\n",
    "provenance": HEAD + IMPORTS + "[provenance]\n{line}\n",
    "validation": HEAD + IMPORTS + "[validation]\n{line}\n",
    "sources": HEAD + '[[sources]]\nkind = "dataset"\ndataset = "allsides"\n{line}\n',
    "sources.match": HEAD + '[[sources]]\nkind = "dataset"\ndataset = "allsides"\n[[sources.match]]\npatterns = ["a"]\n'
                            "{line}\n",
    "sentiment.models": HEAD + IMPORTS + '[sentiment]\n[[sentiment.models]]\nname = "m"\nkind = "sentence"\n'
                                         'model = "a/b"\n{line}\n',
}
KEYS = [(table, key) for table, keys in limits.STUDY_KEYS.items() for key in keys]


def _study(table: str, key: str, value: str) -> str:
    if table == "sources" and key == "skip_lines":  # a files source, not a dataset one
        return HEAD + f'[[sources]]\nkind = "files"\npath = "x"\noutlet = "X"\n{key} = {value}\n'
    if table == "sentiment.models" and key == "epochs":  # read only when a target model is fine-tuned
        return SNIPPETS[table].replace('kind = "sentence"', 'kind = "target"\nfine_tune = "newsmtsc"').format(
            line=f"{key} = {value}")
    return SNIPPETS[table].format(line=f"{key} = {value}")


def _error(text: str) -> str:
    with pytest.raises(StudyConfigError) as err:
        parse_study(text, study_id="x", path=P)
    message = str(err.value)
    assert message.startswith(str(P)) and "\n" not in message
    return message


@pytest.mark.parametrize("table, key", KEYS)
def test_every_numeric_key_accepts_its_bounds_and_refuses_beyond_them(table, key):
    allowed = limits.STUDY_KEYS[table][key]
    is_int = isinstance(allowed.low, int)
    step = 1 if is_int else 1e-9
    low = allowed.low + step if allowed.low_open else allowed.low
    high = allowed.high - step if allowed.high_open else allowed.high
    for inside in (low, high):
        parse_study(_study(table, key, repr(inside)), study_id="x", path=P)
    for outside in (allowed.low - step if not allowed.low_open else allowed.low,
                    allowed.high + step if not allowed.high_open else allowed.high):
        message = _error(_study(table, key, repr(outside)))
        assert f"key {key!r} is {outside!r}; allowed: {allowed.describe(key)}" in message


@pytest.mark.parametrize("table, key", KEYS)
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan", "1e400"])
def test_nan_and_infinity_are_refused_for_every_numeric_key(table, key, value):
    message = _error(_study(table, key, value))
    assert f"key {key!r}" in message  # a float key names its range, an integer key its type


def test_the_reported_values_fail_at_validation_with_the_key_value_and_range():
    for value in ("9223372036854775807", "99999999999999999999"):
        message = _error(_study("compare", "n_boot", value))
        assert message == (f"{P}: [compare]: key 'n_boot' is {value}; "
                           f"allowed: 100 <= n_boot <= 100000 (bootstrap resamples)")
    assert _error(_study("collect", "timeout", "nan")) == (
        f"{P}: [collect]: key 'timeout' is nan; allowed: 0 < timeout <= 3600 (seconds)")
    assert "key 'per_host_delay' is nan" in _error(_study("collect", "per_host_delay", "nan"))


def test_a_numeric_key_without_a_declared_range_is_a_bug_that_names_itself():
    with pytest.raises(KeyError, match=r"no allowed range declared for \[compare\] n_bootstrap"):
        limits.study_key("compare", "n_bootstrap")


def _project(tmp_path: Path, study_toml: bytes) -> config.StudyPaths:
    paths = config.study_paths("x", root=tmp_path)
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_bytes(study_toml)
    (tmp_path / "data" / "outlets.csv").write_text("outlet,domain\n")
    return paths


def test_a_study_file_with_a_bom_is_read(tmp_path):
    paths = _project(tmp_path, b"\xef\xbb\xbf" + (HEAD + IMPORTS).encode())
    assert load_study(paths).title == "t"
    assert parse_study("\ufeff" + HEAD + IMPORTS, study_id="x", path=P).title == "t"


def test_a_latin1_study_file_is_one_line_naming_the_file_line_and_byte_offset(tmp_path):
    text = HEAD + 'question = "Qu\'en dit la presse ?"\n' + IMPORTS + '[[actors]]\nname = "Müller"\naliases = ["M"]\n'
    paths = _project(tmp_path, text.encode("latin-1"))
    offset = text.encode("latin-1").index(b"\xfc")
    with pytest.raises(StudyConfigError) as err:
        load_study(paths)
    assert str(err.value) == f"{paths.study_file}:7: not UTF-8 (byte offset {offset})"


def test_command_line_sizes_are_bounded():
    parser = argparse.ArgumentParser(exit_on_error=False)
    parser.add_argument("--n-boot", type=limits.option("--n-boot"))
    assert parser.parse_args(["--n-boot", "500"]).n_boot == 500
    for bad in ("9223372036854775807", "-1", "many"):
        with pytest.raises(argparse.ArgumentError, match="allowed: 0 <= --n-boot <= 100000|not an integer"):
            parser.parse_args(["--n-boot", bad])


def test_the_explorer_budget_is_a_bounded_number_of_megabytes(capsys):
    parse = limits.option("--budget-mb")
    assert (parse("0.5"), parse("4"), parse("200")) == (0.5, 4.0, 200.0)
    for bad in ("0.4", "0", "-3", "200.1", "1e9", "nan", "inf"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"is out of range; allowed: 0\.5 <= --budget-mb <= 200 "
                                                              r"\(megabytes\)$"):
            parse(bad)
    with pytest.raises(argparse.ArgumentTypeError, match="'lots' is not a number"):
        parse("lots")
    with pytest.raises(SystemExit) as done:  # a usage error before any study is read
        main(["explore", "no-such-study", "--budget-mb", "1000"])
    assert done.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(
        "argument --budget-mb: 1000 is out of range; allowed: 0.5 <= --budget-mb <= 200 (megabytes)")


def test_memory_check_refuses_more_than_the_machine_has_in_one_line():
    limits.check_memory(1024, what="[compare] n_boot = 100", fix="lower n_boot")
    with pytest.raises(limits.ResourceLimitError) as err:
        limits.check_memory(2**60, what="[compare] n_boot = 100000 on 10 articles", fix="lower n_boot")
    assert str(err.value).startswith("[compare] n_boot = 100000 on 10 articles needs about 1073741824.0 GiB")
    assert str(err.value).endswith("is available; lower n_boot") and "\n" not in str(err.value)
