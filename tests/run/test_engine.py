"""Partitioned prepare and measure, and compare's contrasts: the same tables whatever the engine, the workers or
the cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA, write_jsonl

from analysis.core import defaults, storage, tables
from analysis.core.study import load_study
from analysis.run import dag, engine
from analysis.sentiment import compare, measure, scoring, sentence_cache
from analysis.sentiment.scoring import VaderScorer
from analysis.stats import contrasts
from analysis.text import prepare

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "allsides" / "articles.jsonl.gz").exists(),
                                reason="needs ../shared/data")

STUDY = """\
[study]
title = "Partition test"
keep_undated = true
seed = 3

[sentiment]
instruments = ["vader"]
actor_instruments = ["sentence_vader"]

[[sources]]
kind = "imports"

[[actors]]
name = "China"
type = "place"
aliases = ["China", "Beijing"]
"""
MEASURED = measure.MEASURE_TABLES


@pytest.fixture(scope="module")
def allsides_sample():
    """90 real AllSides articles (seeded sample), as an export a user would import."""
    from analysis.collect import datasets

    os.environ.setdefault("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    df = datasets.load_allsides(download=False).sample(90, random_state=11)
    return [{"id": str(r.source_id), "outlet": r.source_outlet or "unknown", "title": r.title, "text": r.text,
             "published": None if pd.isna(r.published) else r.published.date().isoformat()}
            for r in df.itertuples()]


@pytest.fixture
def partitioned_study(project, tmp_path, allsides_sample, monkeypatch):
    from analysis.collect import ingest
    from analysis.core import config

    monkeypatch.setattr(defaults, "PARTITION_ARTICLES", 20)
    paths = config.study_paths("parts")
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text(STUDY, encoding="utf-8")
    ingest.import_file(write_jsonl(tmp_path / "sample.jsonl", allsides_sample), paths)
    study = load_study(paths)
    for stage in ("ingest", "clean"):
        dag.run_stage(stage, study, paths)
    assert storage.row_groups(paths.table("articles")) >= 4
    return study, paths


@pytest.fixture
def needs_dask():
    """Skip where the Dask engine's optional packages (dask, distributed) are not installed."""
    pytest.importorskip("dask")
    pytest.importorskip("distributed")


def _run(study, paths, eng, *, use_cache=True, compare=False) -> dict[str, pd.DataFrame]:
    from analysis.sentiment import instruments

    prepare.prepare_sentences(paths, engine=eng)
    measure.measure_sentences(study, paths, engine=eng, scorers=instruments.sentence_instruments(study, paths),
                                 actor_instruments=instruments.actor_instruments(study, paths), use_cache=use_cache)
    names = ("sentences", *MEASURED)
    if compare:
        with engine.use(eng, close=False):
            dag.run_stage("compare", study, paths, force=True)
        names += ("sentiment_contrasts",)
    return {name: storage.read_table(paths.table(name)) for name in names}


@pytest.mark.slow  # a Dask cluster of worker processes, and the stages three times
@pytest.mark.usefixtures("needs_dask")
def test_every_engine_and_worker_count_writes_the_same_tables(partitioned_study, monkeypatch):

    study, paths = partitioned_study
    # Contrasts this large run on the engine's processes (the scale path); 90 articles stand in for 2,000+.
    monkeypatch.setattr(contrasts, "LARGE_CONTRAST", 30)
    one = _run(study, paths, engine.LocalEngine(workers=1), use_cache=False, compare=True)
    assert storage.row_groups(paths.table("sentences")) >= 4 and len(one["actor_mentions"]) > 0
    jobs = contrasts.contrast_jobs(storage.read_table(paths.table("article_sentiment")), by="outlet", mode="vs_rest")
    assert jobs and all(contrasts.is_large(job) for job in jobs) and len(one["sentiment_contrasts"]) > 3
    two = _run(study, paths, engine.LocalEngine(workers=2), use_cache=False, compare=True)
    dask = engine.get_engine("dask", workers=2)
    try:
        assert len(dask.client.scheduler_info()["workers"]) == 2  # a real LocalCluster, two worker processes
        on_dask = _run(study, paths, dask, use_cache=False, compare=True)
    finally:
        dask.close()
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name], check_exact=True)
        pd.testing.assert_frame_equal(one[name], on_dask[name], check_exact=True)


@pytest.mark.slow  # the frame and provenance stages twice, on real articles
def test_frame_and_provenance_write_the_same_tables_with_their_parts_beside_the_chunks(partitioned_study,
                                                                                      monkeypatch):
    # On two workers the whole-corpus parts (topics, the frame classifier, text reuse, fact coverage) and the
    # summaries from article to group run in the engine's processes beside the chunks; on one, in this process.
    from analysis.core import config
    from analysis.framing import frame
    from analysis.provenance import provenance

    _, paths = partitioned_study
    paths.study_file.write_text(STUDY + '\n[[referents]]\nname = "the Chinese state"\n'
                                'labels = { "Beijing" = "beijing", "Chinese government" = "chinese government" }\n',
                                encoding="utf-8")  # so the word-choice summaries are compared too
    study = load_study(config.study_paths("parts"))
    _run(study, paths, engine.LocalEngine(workers=1))
    monkeypatch.setattr(frame, "CHUNK_ARTICLES", 20)
    monkeypatch.setattr(provenance, "CHUNK_ARTICLES", 20)

    def stages(eng) -> dict[str, pd.DataFrame]:
        with engine.use(eng, close=False):
            for name in ("frame", "provenance"):
                dag.run_stage(name, study, paths, force=True)
        return {name: storage.read_table(paths.table(name)) for name in (*frame.TABLES, *provenance.TABLES)
                if paths.table(name).exists()}

    one, two = stages(engine.LocalEngine(workers=1)), stages(engine.LocalEngine(workers=2))
    assert one.keys() == two.keys() and {"topic_terms", "reuse_pairs", "facts", "quote_sources"} <= one.keys()
    assert len(one["quotes"]) > 0 and len(one["frame_profiles"]) > 0 and len(one["label_shares"]) > 0
    for name in one:
        pd.testing.assert_frame_equal(one[name], two[name], check_exact=True, obj=name)


def test_partitioned_tables_equal_the_whole_table_reference(partitioned_study):
    study, paths = partitioned_study
    got = _run(study, paths, engine.LocalEngine(workers=2))
    articles = storage.read_table(paths.table("articles"))
    splitter = prepare.PunktSentenceSplitter().fit(prepare.training_texts(paths.table("articles")))
    reference = prepare.split_sentences(articles, splitter=splitter)
    pd.testing.assert_frame_equal(got["sentences"], reference, check_exact=True)
    scores = scoring.score_sentences(reference, scorers=[VaderScorer().fit()])
    key = ["instrument", "doc_id", "sent_id"]
    pd.testing.assert_frame_equal(got["sentence_sentiment"].sort_values(key, ignore_index=True),
                                  scores.sort_values(key, ignore_index=True), check_exact=True)
    art = scoring.aggregate_articles(scores, articles=articles)
    pd.testing.assert_frame_equal(got["article_sentiment"].sort_values(["instrument", "doc_id"], ignore_index=True),
                                  art.sort_values(["instrument", "doc_id"], ignore_index=True), check_exact=True)


def test_punkt_trains_on_the_first_articles_up_to_the_character_cap(tmp_path):
    df = pd.DataFrame({"doc_id": [f"d{i}" for i in range(6)], "text": ["x" * 400] * 6})
    storage.write_table(df, tmp_path / "a.parquet", row_group_size=4)
    assert len(prepare.training_texts(tmp_path / "a.parquet", max_chars=1000)) == 3  # 0, 400, 800 < 1000
    assert len(prepare.training_texts(tmp_path / "a.parquet", max_chars=10**6)) == 6


class CountingVader(VaderScorer):
    def transform(self, X):
        self.seen_ = getattr(self, "seen_", 0) + len(X)
        return super().transform(X)


def test_cache_scores_each_distinct_sentence_once_and_gives_the_same_numbers(tmp_path):
    texts = pd.Series(["Good news.", "Terrible loss.", "Good news.", "Neutral fact.", "Terrible loss."])
    scorer = CountingVader().fit()
    cache = sentence_cache.ScoreCache.empty()
    scores, keys, fresh = sentence_cache.cached_scores(scorer, texts, cache)
    assert scorer.seen_ == 3
    np.testing.assert_array_equal(scores, VaderScorer().fit().transform(texts)[:, 0])
    cache = cache.merged(keys, fresh)
    cache.save(tmp_path, scorer.version_)
    again = CountingVader().fit()
    loaded = sentence_cache.ScoreCache.load(tmp_path, again.version_)
    more = pd.Series(["Neutral fact.", "A new and wonderful sentence."])
    scores2, keys2, _ = sentence_cache.cached_scores(again, more, loaded)
    assert again.seen_ == 1 and len(keys2) == 1
    np.testing.assert_array_equal(scores2, VaderScorer().fit().transform(more)[:, 0])


def test_a_rerun_with_a_warm_cache_writes_identical_tables(partitioned_study):
    study, paths = partitioned_study
    cold = _run(study, paths, engine.LocalEngine(workers=1))
    assert list(paths.sentence_cache.glob("*.parquet"))
    warm = _run(study, paths, engine.LocalEngine(workers=1))
    for name in cold:
        pd.testing.assert_frame_equal(cold[name], warm[name], check_exact=True)


def test_partition_writer_leaves_the_old_file_when_a_partition_fails(tmp_path):
    path = tmp_path / "t.parquet"
    first = pd.DataFrame({"doc_id": ["a", "b"], "x": [1.0, 2.0]})
    with storage.PartitionWriter(path, empty=first.iloc[:0]) as out:
        out.write(first.iloc[:1])
        out.write(first.iloc[1:])
    assert storage.row_groups(path) == 2
    before = path.read_bytes()
    with pytest.raises(RuntimeError), storage.PartitionWriter(path, empty=first.iloc[:0]) as out:
        out.write(first)
        raise RuntimeError("worker died")
    assert path.read_bytes() == before and not list(tmp_path.glob(".*.tmp"))
    mtime = path.stat().st_mtime_ns
    with storage.PartitionWriter(path, empty=first.iloc[:0]) as out:
        out.write(first.iloc[:1])
        out.write(first.iloc[1:])
    assert path.stat().st_mtime_ns == mtime  # unchanged bytes: file untouched


def test_a_table_with_no_rows_is_written_empty_with_its_schema(tmp_path):
    path = tmp_path / "t.parquet"
    with storage.PartitionWriter(path, empty=tables.empty("actor_mentions")) as out:
        out.write(tables.empty("actor_mentions"))
    assert list(storage.read_table(path).columns) == tables.schema("actor_mentions").names


def test_evidence_read_partition_by_partition_equals_the_whole_table_version(partitioned_study):
    study, paths = partitioned_study
    _run(study, paths, engine.LocalEngine(workers=1))
    assert storage.row_groups(paths.table("sentence_sentiment")) > 1
    whole = scoring.sentiment_evidence(storage.read_table(paths.table("sentence_sentiment")),
                                         storage.read_table(paths.table("sentences")))
    pd.testing.assert_frame_equal(compare.sentiment_evidence(paths), whole, check_exact=False, rtol=1e-12)


def test_an_unreachable_scheduler_is_a_clear_error():
    from analysis.core.errors import AnalysisError

    with pytest.raises(AnalysisError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        engine.DaskEngine(scheduler="tcp://127.0.0.1:9", connect_timeout=2)


def test_a_partition_that_fails_halfway_leaves_every_measure_table_as_it_was(partitioned_study, monkeypatch):
    from analysis.sentiment import instruments

    study, paths = partitioned_study
    _run(study, paths, engine.LocalEngine(workers=1))
    before = {name: paths.table(name).read_bytes() for name in MEASURED}
    calls = {"n": 0}
    real = measure._measure_partition

    def dies_on_the_third(index, shared):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("worker died")
        return real(index, shared)

    monkeypatch.setattr(measure, "_measure_partition", dies_on_the_third)
    with pytest.raises(RuntimeError, match="worker died"):
        measure.measure_sentences(study, paths, engine=engine.LocalEngine(workers=1),
                                     scorers=instruments.sentence_instruments(study, paths), actor_instruments=[])
    assert {name: paths.table(name).read_bytes() for name in MEASURED} == before
    assert not list(paths.table("sentences").parent.glob(".*.tmp"))


def test_a_dataset_sample_must_be_positive(tmp_path):
    from analysis.core.errors import StudyConfigError
    from analysis.core.study import parse_study

    text = '[study]\ntitle = "x"\n\n[[sources]]\nkind = "dataset"\ndataset = "allsides"\nsample = 0\n'
    with pytest.raises(StudyConfigError, match="key 'sample' is 0; allowed: 1 <= sample"):
        parse_study(text, study_id="x", path=tmp_path / "study.toml")


@pytest.mark.slow  # a Dask cluster of worker processes
@pytest.mark.usefixtures("needs_dask")
def test_fitted_model_and_dictionary_instruments_score_the_same_on_a_dask_cluster(partitioned_study):
    # Fitted arrays and dictionaries reach Dask workers unpickled from messages (where numpy arrays can be
    # misaligned); no instrument's scores may move by a bit.
    import dataclasses

    from analysis.core.study import Dictionary

    study, paths = partitioned_study
    moral = Dictionary(name="mfd2_moral_valence", dataset="emfd", file="mfd2", positive=("*.virtue",),
                       negative=("*.vice",))
    study = dataclasses.replace(study, sentiment=dataclasses.replace(
        study.sentiment, instruments=("vader", "news_ridge", "mfd2_moral_valence"), dictionaries=(moral,)))
    one = _run(study, paths, engine.LocalEngine(workers=1), use_cache=False)
    assert set(one["sentence_sentiment"]["instrument"]) == {"vader", "news_ridge", "mfd2_moral_valence"}
    assert one["sentence_sentiment"].groupby("instrument")["score"].apply(lambda s: s.ne(0).sum()).min() > 20
    dask = engine.get_engine("dask", workers=2)
    try:
        on_dask = _run(study, paths, dask, use_cache=False)
    finally:
        dask.close()
    for name in one:
        pd.testing.assert_frame_equal(one[name], on_dask[name], check_exact=True)


def _worker_facts() -> dict:
    import psutil
    from dask import config as dask_config

    return {"profiling": dask_config.get("distributed.worker.profile.enabled"),
            "tick": dask_config.get("distributed.admin.tick.interval"),
            "omp_threads": os.environ.get("OMP_NUM_THREADS"),
            "parent": " ".join(psutil.Process(os.getppid()).cmdline())}


@pytest.mark.usefixtures("needs_dask")
def test_a_cluster_the_toolkit_starts_forks_preloaded_workers_without_profiler_and_closes_quietly(capfd):
    # Workers are forked from multiprocessing's forkserver, which imported the toolkit once, not spawned
    # to import it each; they still get Dask's one-thread-per-numerical-library environment. No dashboard,
    # so a worker's sampling profiler would only slow the tasks, as would a loop-stall timer at 50 Hz; and a
    # cluster closed before any stage used it (a small study's compare) must not leave cancelled-import
    # warnings on the terminal.
    import distributed
    import yaml
    from dask import config as dask_config

    dask_defaults = yaml.safe_load((Path(distributed.__file__).parent / "distributed.yaml").read_text(encoding="utf-8"))
    assert engine.DASK_PRE_SPAWN_ENVIRON == dask_defaults["distributed"]["nanny"]["pre-spawn-environ"]  # spelled out
    omp_before = os.environ.get("OMP_NUM_THREADS")
    cluster = engine.get_engine("dask", workers=2)
    try:
        facts = list(cluster.client.run(_worker_facts).values())
    finally:
        cluster.close()
    assert len(facts) == 2
    for fact in facts:
        assert fact["profiling"] is False and fact["tick"] == "1s"
        assert "multiprocessing.forkserver" in fact["parent"] and "analysis.sentiment.measure" in fact["parent"]
        assert fact["omp_threads"] == (omp_before or str(
            dask_config.get("distributed.nanny.pre-spawn-environ")["OMP_NUM_THREADS"]))
    assert "Cancelled" not in capfd.readouterr().err


@pytest.mark.parametrize(("argv", "wanted"), [
    (["measure", "s", "--engine", "dask"], True), (["run", "--engine=dask", "--workers", "2"], True),
    (["measure", "s"], False), (["measure", "s", "--engine", "local"], False),
    (["measure", "s", "--engine", "dask", "--scheduler", "tcp://h:1"], False),
    (["measure", "s", "--scheduler=tcp://h:1"], False), (["init", "dask"], False),
])
def test_the_command_line_starts_the_worker_server_early_only_for_a_local_dask_cluster(argv, wanted):
    assert engine.wants_local_cluster(argv) is wanted


def test_without_distributed_the_command_line_reaches_the_engine_s_clear_error(monkeypatch):
    # `python -m analysis ... --engine dask` starts the worker server before anything else; without
    # distributed installed that must not crash with an ImportError, but leave the error to DaskEngine.
    import importlib.util
    import sys

    from analysis.core.errors import AnalysisError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    monkeypatch.setitem(sys.modules, "dask", None)  # as if not installed: importing it raises ImportError
    monkeypatch.setitem(sys.modules, "dask.config", None)
    engine.start_worker_server()
    with pytest.raises(AnalysisError, match=r"pip install 'dask\[distributed\]'"):
        engine.get_engine("dask")


@pytest.mark.slow  # a Dask cluster started by `python -m analysis`
@pytest.mark.usefixtures("needs_dask")
def test_the_measure_command_on_dask_writes_the_tables_one_process_writes(partitioned_study):
    # End to end through `python -m analysis`, whose entry point starts the workers' forkserver before it
    # imports the toolkit: a mistake there fails here (a child re-running the entry point, for one).
    import subprocess
    import sys

    study, paths = partitioned_study
    one = _run(study, paths, engine.LocalEngine(workers=1), use_cache=False)
    dag.run_stage("prepare", study, paths)
    done = subprocess.run([sys.executable, "-m", "analysis", "-q", "measure", "parts", "--force", "--engine", "dask",
                           "--workers", "2"], capture_output=True, text=True, env=os.environ, cwd=paths.study_dir)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    for name in MEASURED:
        pd.testing.assert_frame_equal(one[name], storage.read_table(paths.table(name)), check_exact=True)


def _offset(item, shared):
    return item + shared["offset"]


@pytest.mark.usefixtures("needs_dask")
def test_an_existing_cluster_is_used_by_address_and_left_running():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        eng = engine.get_engine("local", scheduler=cluster.scheduler_address)  # an address implies dask
        assert eng.name == "dask"
        try:
            assert list(eng.map(_offset, range(7), shared={"offset": 10})) == list(range(10, 17))
        finally:
            eng.close()
        with Client(cluster) as still_there:  # the user's cluster is theirs to stop
            assert len(still_there.scheduler_info()["workers"]) == 2


def _block(item, shared):
    return np.full(100_000, item, dtype=float)  # 800 kB a result


@pytest.mark.usefixtures("needs_dask")
def test_dask_results_are_released_on_the_workers_once_the_stage_has_them():
    from distributed import LocalCluster

    def held(dask_scheduler):
        return sum("_call_dask" in str(key) for key in dask_scheduler.tasks)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        eng = engine.get_engine("dask", scheduler=cluster.scheduler_address)
        try:
            results = eng.map(_block, range(8), shared={"unused": 0})
            taken = [next(results)[0] for _ in range(5)]
            deadline = time.monotonic() + 10  # releases reach the scheduler asynchronously
            while eng.client.run_on_scheduler(held) > 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert eng.client.run_on_scheduler(held) <= 3
            assert taken + [r[0] for r in results] == list(range(8))
        finally:
            eng.close()


def test_the_frame_stage_per_sentence_measures_are_the_same_in_chunks_on_two_workers(partitioned_study,
                                                                                      monkeypatch):
    from analysis.core import config
    from analysis.framing import frame

    _, paths = partitioned_study
    paths.study_file.write_text(STUDY + '\n[[referents]]\nname = "the Chinese state"\n'
                                'labels = { "Beijing" = "beijing", "Chinese government" = "chinese government" }\n',
                                encoding="utf-8")
    study = load_study(config.study_paths("parts"))
    prepare.prepare_sentences(paths, engine=engine.LocalEngine(workers=1))
    articles, sentences = storage.read_table(paths.table("articles")), storage.read_table(paths.table("sentences"))
    whole, _ = frame.per_sentence(study, paths, articles=articles, sentences=sentences)
    monkeypatch.setattr(frame, "CHUNK_ARTICLES", 7)  # 90 articles in 13 chunks, spread over two processes
    chunked, _ = frame.per_sentence(study, paths, articles=articles, sentences=sentences,
                                    engine=engine.LocalEngine(workers=2))
    assert set(whole) == set(chunked) >= {"voice_spans", "frame_hits", "label_mentions", "marker_rates"}
    assert len(whole["label_mentions"]) and len(whole["frame_hits"]) and whole["voice_spans"]["doc_id"].nunique() > 7
    for name in whole:
        pd.testing.assert_frame_equal(chunked[name], whole[name], check_exact=True)


def test_quotes_and_wire_credits_read_in_chunks_on_two_workers_equal_the_whole_reading(partitioned_study,
                                                                                       monkeypatch):
    from analysis.provenance import provenance, quotes, wire

    study, paths = partitioned_study
    prepare.prepare_sentences(paths, engine=engine.LocalEngine(workers=1))
    articles, sentences = storage.read_table(paths.table("articles")), storage.read_table(paths.table("sentences"))
    whole = quotes.extract_quotes(articles, sentences, actors=study.actors)
    whole_wire = wire.article_wire(articles, agencies=study.provenance.wire_agencies)
    monkeypatch.setattr(provenance, "CHUNK_ARTICLES", 7)
    chunked, chunked_wire, _ = provenance.per_article(study, articles=articles, sentences=sentences,
                                                      engine=engine.LocalEngine(workers=2))
    assert whole["doc_id"].nunique() > 7 and (whole["quote_id"] != "").all()
    assert whole_wire.loc[whole_wire["wire_agency"] != "", "doc_id"].nunique() > 7  # credits in several chunks
    pd.testing.assert_frame_equal(chunked, whole, check_exact=True)
    pd.testing.assert_frame_equal(chunked_wire, whole_wire, check_exact=True)


def test_a_frame_chunk_that_fails_halfway_leaves_every_framing_table_as_it_was(partitioned_study, monkeypatch):
    from analysis.framing import frame

    study, paths = partitioned_study
    prepare.prepare_sentences(paths, engine=engine.LocalEngine(workers=1))
    frame.run(study, paths, engine=engine.LocalEngine(workers=1))
    before = {p: p.read_bytes() for p in paths.table("frame_hits").parent.glob("*.parquet")}
    assert paths.table("frame_hits") in before and paths.table("voice_spans") in before
    calls = {"n": 0}
    real = frame._sentence_tables

    def dies_on_the_third(articles, sentences, shared):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("chunk died")
        return real(articles, sentences, shared)

    monkeypatch.setattr(frame, "_sentence_tables", dies_on_the_third)
    monkeypatch.setattr(frame, "CHUNK_ARTICLES", 7)
    with pytest.raises(RuntimeError, match="chunk died"):
        frame.run(study, paths, engine=engine.LocalEngine(workers=1))
    assert {p: p.read_bytes() for p in paths.table("frame_hits").parent.glob("*.parquet")} == before


def test_languages_identified_in_chunks_on_two_processes_equal_one_pass(monkeypatch):
    from analysis.collect import extract

    texts = ["The Commerce Department added eight companies to the Entity List on Monday.",
             "美国商务部将28个中国实体列入出口管制实体清单。", "Le ministère chinois du commerce a protesté.", "", "ok",
             "Das Handelsministerium setzte acht Unternehmen auf die Liste."] * 5
    monkeypatch.setattr(extract, "PARALLEL_LANGUAGE_TEXTS", 4)
    monkeypatch.setattr(extract, "LANGUAGE_CHUNK", 7)
    alone = extract.detect_languages(texts)
    assert {"en", "fr", "de", "und"} <= set(alone) and len(set(alone)) >= 5
    assert extract.detect_languages(texts, engine=engine.LocalEngine(workers=2)) == alone
