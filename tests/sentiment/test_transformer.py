"""Transformer instruments on a tiny BERT built and saved inside the test: loading, batching, the class-to-polarity
map, the sentence cache, study.toml and the measure stage. No network: the model is a local folder."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch")  # the transformers extra; requirements-test.txt installs it
transformers = pytest.importorskip("transformers")

from tiny_transformer import save_tiny_model, set_sentiment  # noqa: E402

from analysis.collect import models  # noqa: E402
from analysis.core.errors import DownloadError, MissingExtraError, StudyConfigError  # noqa: E402
from analysis.sentiment import sentence_cache  # noqa: E402
from analysis.sentiment.transformer import (  # noqa: E402
    NewsSentimentTargetClassifier,
    TransformerSentenceScorer,
    TransformerTargetClassifier,
    class_values,
)

SENTENCES = ["the company was good", "the police was awful", "the table", "hikvision said the list was very bad",
             "the government said sanctions and the list was great but the police was bad", "chair"]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    return save_tiny_model(tmp_path_factory.mktemp("tiny_bert"))


def _reference_probabilities(folder, texts, pairs=None):
    """What plain transformers gives for each input, one at a time (no batching, no padding)."""
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
    model = transformers.AutoModelForSequenceClassification.from_pretrained(folder).eval()
    rows = []
    with torch.no_grad():
        for i, text in enumerate(texts):
            encoded = tokenizer(text, pairs[i] if pairs else None, return_tensors="pt")
            rows.append(torch.softmax(model(**encoded).logits, dim=-1)[0].numpy())
    return np.array(rows)


def test_class_values_from_names_stars_and_explicit_labels():
    assert class_values(["NEGATIVE", "Neutral", "pos"]).tolist() == [-1.0, 0.0, 1.0]
    assert class_values(["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]).tolist() == [-1, -0.5, 0, 0.5, 1]
    assert class_values(["LABEL_0", "LABEL_1"], ("positive", "negative")).tolist() == [1.0, -1.0]
    with pytest.raises(StudyConfigError, match="LABEL_0.*give labels"):
        class_values(["LABEL_0", "LABEL_1"])
    with pytest.raises(StudyConfigError, match="2 names but the model has 3 classes"):
        class_values(["a", "b", "c"], ("negative", "positive"))
    with pytest.raises(StudyConfigError, match="only be negative, neutral, positive"):
        class_values(["a"], ("bad",))


def test_sentence_scores_equal_an_unbatched_forward_pass_whatever_the_batch_size(tiny_model):
    expected = _reference_probabilities(tiny_model, SENTENCES)
    for batch_size in (1, 4, 32):
        scorer = TransformerSentenceScorer(model=str(tiny_model), name="tiny", batch_size=batch_size).fit()
        out = scorer.transform(pd.Series(SENTENCES))
        assert out.shape == (len(SENTENCES), 4)
        np.testing.assert_allclose(out[:, 1:], expected, atol=1e-5)
        np.testing.assert_allclose(out[:, 0], expected @ np.array([-1.0, 0.0, 1.0]), atol=1e-5)
    assert list(scorer.get_feature_names_out()) == ["polarity", "p_negative", "p_neutral", "p_positive"]
    assert scorer.transform([]).shape == (0, 4)


def test_the_order_of_a_models_classes_does_not_change_its_polarity(tiny_model, tmp_path):
    permuted = save_tiny_model(tmp_path / "permuted", permutation=(2, 0, 1))
    generic = save_tiny_model(tmp_path / "generic", id2label={0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    base = TransformerSentenceScorer(model=str(tiny_model)).fit().transform(SENTENCES)[:, 0]
    np.testing.assert_allclose(TransformerSentenceScorer(model=str(permuted)).fit().transform(SENTENCES)[:, 0], base,
                               atol=1e-6)
    labelled = TransformerSentenceScorer(model=str(generic), labels=("negative", "neutral", "positive")).fit()
    np.testing.assert_allclose(labelled.transform(SENTENCES)[:, 0], base, atol=1e-6)
    with pytest.raises(StudyConfigError, match="cannot tell the polarity"):
        TransformerSentenceScorer(model=str(generic)).fit()


def test_the_version_follows_the_weights_so_cached_scores_are_never_reused_across_models(tiny_model, tmp_path):
    first = TransformerSentenceScorer(model=str(tiny_model), name="tiny").fit()
    again = TransformerSentenceScorer(model=str(tiny_model), name="tiny").fit()
    other = TransformerSentenceScorer(model=str(save_tiny_model(tmp_path / "other", seed=1)), name="tiny").fit()
    assert first.version_ == again.version_
    assert first.version_ != other.version_
    assert first.version_ != TransformerSentenceScorer(model=str(tiny_model), name="tiny", max_length=16).fit().version_


def test_cached_scores_equal_direct_scores_and_each_distinct_sentence_is_scored_once(tiny_model):
    scorer = TransformerSentenceScorer(model=str(tiny_model)).fit()
    texts = pd.Series(SENTENCES + SENTENCES[:3])
    scores, keys, fresh = sentence_cache.cached_scores(scorer, texts, sentence_cache.ScoreCache.empty())
    np.testing.assert_allclose(scores, scorer.transform(texts)[:, 0], atol=1e-6)
    assert len(keys) == len(set(SENTENCES))
    warm = sentence_cache.ScoreCache.empty().merged(keys, fresh)
    again, new_keys, _ = sentence_cache.cached_scores(scorer, texts, warm)
    np.testing.assert_allclose(again, scores)
    assert len(new_keys) == 0


def test_a_target_model_reads_the_sentence_and_the_mention_as_a_pair_or_marked(tiny_model):
    text = "the government said sanctions and the list was great but the police was bad"
    mentions = pd.DataFrame({"text": [text, text], "start": [4, text.index("police")],
                             "end": [14, text.index("police") + 6]})
    pair = TransformerTargetClassifier(model=str(tiny_model), target_input="pair", batch_size=1).fit()
    expected = _reference_probabilities(tiny_model, [text, text], ["government", "police"])
    np.testing.assert_allclose(pair.predict_proba(mentions), expected, atol=1e-5)
    np.testing.assert_allclose(pair.polarity(mentions), expected @ np.array([-1.0, 0.0, 1.0]), atol=1e-5)
    assert set(pair.predict(mentions)) <= {"negative", "neutral", "positive"}

    marked = TransformerTargetClassifier(model=str(tiny_model), target_input="marked").fit()
    inputs, second = marked._inputs(mentions)
    assert second is None and inputs[1].endswith("the <t>police</t> was bad")
    expected = _reference_probabilities(tiny_model, inputs)
    np.testing.assert_allclose(marked.predict_proba(mentions), expected, atol=1e-5)
    assert pair.version_ != marked.version_
    assert marked.predict_proba(mentions.iloc[:0]).shape == (0, 3)
    with pytest.raises(StudyConfigError, match="target_input"):
        TransformerTargetClassifier(model=str(tiny_model), target_input="window").fit()


def test_labels_are_the_class_group_with_the_most_probability(tiny_model):
    clf = TransformerTargetClassifier(model=str(tiny_model)).fit()
    proba = np.array([[0.5, 0.2, 0.3], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]])
    assert list(clf._labels(proba)) == ["negative", "neutral", "positive"]
    clf.class_values_ = np.array([-1.0, -0.5, 1.0])  # two negative classes add up
    assert list(clf._labels(np.array([[0.3, 0.3, 0.4]]))) == ["negative"]


def test_locate_finds_a_saved_model_folder_and_names_the_fetch_command_for_a_missing_hub_model(tiny_model, tmp_path,
                                                                                             monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(tmp_path / "mirror"))
    assert models.locate(str(tiny_model), root=tmp_path) == tiny_model
    (tmp_path / "empty").mkdir()
    with pytest.raises(models.ModelNotFoundError, match="no config.json"):
        models.locate("empty", root=tmp_path)
    with pytest.raises(models.ModelNotFoundError, match="not a Hugging Face Hub id"):
        models.locate("no such folder", root=tmp_path)
    with pytest.raises(models.ModelNotFoundError, match="python -m analysis fetch-model someone/some-model"):
        models.locate("someone/some-model", root=tmp_path)
    assert [p.name for p in models.weight_files(tiny_model)] == ["config.json", "model.safetensors", "tokenizer.json",
                                                                 "tokenizer_config.json"]


def test_the_newsmtsc_model_without_its_package_is_a_clear_error():
    try:
        import NewsSentiment  # noqa: F401
        pytest.skip("NewsSentiment is installed here")
    except ImportError:
        pass
    with pytest.raises(MissingExtraError, match="pip install NewsSentiment"):
        NewsSentimentTargetClassifier().fit()


def test_the_package_imports_without_torch_and_a_transformer_instrument_says_how_to_install_it(tiny_model):
    # an import hook that refuses torch and transformers, as on a machine without the extra
    code = ("import sys, importlib.abc\n"
            "class NotInstalled(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path, target=None):\n"
            "        if name.split('.')[0] in ('torch', 'transformers'):\n"
            "            raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, NotInstalled())\n"
            "import analysis.sentiment.instruments, analysis.sentiment.transformer as t\n"
            "assert 'torch' not in sys.modules\n"
            "from analysis.core.errors import MissingExtraError\n"
            "try:\n"
            f"    t.TransformerSentenceScorer(model={str(tiny_model)!r}).fit()\n"
            "except MissingExtraError as exc:\n"
            "    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install -e '.[transformers]'" in out


def test_a_study_scores_sentences_and_actors_with_models_named_in_its_study_file(tiny_study, tiny_model):
    from analysis.core import storage
    from analysis.core.study import load_study
    from analysis.run import dag

    paths = tiny_study
    # a saved-model folder named in study.toml lies inside the project (the file boundary, issue 25.2)
    shutil.copytree(tiny_model, paths.root / "data" / "models" / "tiny")
    set_sentiment(paths, '[sentiment]\ninstruments = ["vader", "tiny"]\n'
                         'actor_instruments = ["sentence_vader", "tiny_target"]\n'
                         '[[sentiment.models]]\nname = "tiny"\nkind = "sentence"\nmodel = "data/models/tiny"\n'
                         'batch_size = 3\n'
                         '[[sentiment.models]]\nname = "tiny_target"\nkind = "target"\nmodel = "data/models/tiny"\n')
    study = load_study(paths)
    for stage in ("ingest", "clean", "prepare", "measure"):
        dag.run_stage(stage, study, paths)
    sentences = storage.read_table(paths.table("sentences"))
    scores = storage.read_table(paths.table("sentence_sentiment"))
    tiny = scores.loc[scores["instrument"] == "tiny"].merge(sentences, on=["doc_id", "sent_id"])
    assert len(tiny) == len(sentences) and tiny["score"].between(-1, 1).all()
    direct = TransformerSentenceScorer(model=str(tiny_model)).fit().transform(tiny["text"])[:, 0]
    np.testing.assert_allclose(tiny["score"], direct, atol=1e-5)
    actors = storage.read_table(paths.table("actor_sentiment"))
    assert set(actors["instrument"]) == {"sentence_vader", "tiny_target"}
    assert (actors["instrument"] == "tiny_target").sum() == (actors["instrument"] == "sentence_vader").sum() > 0


def test_validation_scores_a_target_model_on_newsmtsc_devtest_like_the_classic_instruments(tiny_model, monkeypatch):
    from conftest import SHARED_DATA

    from analysis.sentiment import target_sentiment

    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    model = TransformerTargetClassifier(model=str(tiny_model), name="tiny_target", batch_size=64).fit()
    table = target_sentiment.evaluate_on_newsmtsc(instruments=("sentence_vader",), fitted=[model], n_boot=50)
    wide = table.pivot_table(index="metric", columns="instrument", values="value")
    assert {"tiny_target", "sentence_vader"} <= set(wide.columns)
    assert table.loc[(table["instrument"] == "tiny_target") & (table["metric"] == "macro_f1"), "n"].item() == 1146
    for metric in ("macro_f1", "pairs_ordered_by_score", "split_when_gold_split"):
        assert 0 <= wide.loc[metric, "tiny_target"] <= 1


def _serve_hub_model(server, folder, repo="owner/tiny", commit="c0ffee" * 6 + "abcd"):
    """Answer as the Hugging Face Hub does for ``repo``: its file tree, its revision, and each file."""
    import hashlib
    import json

    from http_server import Reply

    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    tree = json.dumps([{"type": "file", "path": n, "size": len(b), "oid": hashlib.sha1(b).hexdigest()}
                       for n, b in files.items()]).encode()
    info = json.dumps({"id": repo, "sha": commit, "siblings": [{"rfilename": n} for n in files]}).encode()
    for rev in ("main", commit):
        server.add(f"/api/models/{repo}/tree/{rev}", Reply(body=tree, content_type="application/json"))
    server.add(f"/api/models/{repo}/revision/main", Reply(body=info, content_type="application/json"))
    for name, body in files.items():
        server.add(f"/{repo}/resolve/{commit}/{name}", Reply(body=body, content_type="application/octet-stream",
                                                            headers={"X-Repo-Commit": commit,
                                                                     "ETag": f'"{hashlib.sha256(body).hexdigest()}"'}))
    return commit


def test_fetch_model_downloads_a_hub_model_once_and_studies_then_find_it_offline(tiny_model, server, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", "")
    commit = _serve_hub_model(server, tiny_model)
    folder = models.fetch("owner/tiny", endpoint=server.base)
    assert folder.parent.name == "snapshots" and folder.name == commit
    assert sorted(p.name for p in models.weight_files(folder)) == sorted(p.name for p in models.weight_files(tiny_model))
    assert models.fingerprint(folder) == models.fingerprint(tiny_model)
    downloads = len([r for r in server.requests if "/resolve/" in r])
    assert models.locate("owner/tiny", root=tmp_path) == folder  # offline: no request at all
    assert len([r for r in server.requests if "/resolve/" in r]) == downloads
    scores = TransformerSentenceScorer(model=str(folder)).fit().transform(SENTENCES)[:, 0]
    np.testing.assert_allclose(scores, TransformerSentenceScorer(model=str(tiny_model)).fit().transform(SENTENCES)[:, 0])
    from http_server import Reply

    # the Hub marks a missing (or private) repository with an error code; other failures keep their status
    server.add("/api/models/owner/missing/tree/main", Reply(status=404, headers={"X-Error-Code": "RepoNotFound"}))
    with pytest.raises(DownloadError, match="owner/missing': no such repository"):
        models.fetch("owner/missing", endpoint=server.base)
    # a saved-model folder that is missing reads as a Hub id too: the error names both
    with pytest.raises(models.ModelNotFoundError, match="there is no folder .*owner/missing.*no such repository"):
        models.locate("owner/missing", root=tmp_path, download=True, endpoint=server.base)
    server.add("/api/models/owner/broken/tree/main", Reply(status=403, body=b"forbidden"))
    with pytest.raises(DownloadError, match="owner/broken': fetching it from the Hugging Face Hub failed.*403"):
        models.fetch("owner/broken", endpoint=server.base)
