"""study.toml parsing: defaults, and one clear error per kind of mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from analysis.core import config
from analysis.core.errors import StudyConfigError
from analysis.core.study import load_study, parse_study
from analysis.core.study_template import skeleton

MINIMAL = '[study]\ntitle = "t"\n[[sources]]\nkind = "imports"\n'
P = Path("data/studies/x/study.toml")


def test_minimal_study_gets_defaults():
    s = parse_study(MINIMAL, study_id="x", path=P)
    assert s.groups == ("outlet", "leaning", "outlet_type")
    assert s.compare.n_boot == 2000 and s.compare.confidence == 0.95
    assert s.start is None and s.keep_undated is False


def test_an_actor_reads_its_not_within_phrases():
    s = parse_study(MINIMAL + '[[actors]]\nname = "Congress"\naliases = ["Congress"]\n'
                              'not_within = ["World Uyghur Congress"]\n', study_id="x", path=P)
    assert s.actors[0].not_within == ("World Uyghur Congress",)


def test_dates_accept_toml_dates_and_strings():
    s = parse_study('[study]\ntitle = "t"\nstart = 2019-01-01\nend = "2019-12-31"\n[[sources]]\nkind = "imports"\n',
                    study_id="x", path=P)
    assert s.start == dt.date(2019, 1, 1) and s.end == dt.date(2019, 12, 31)


@pytest.mark.parametrize("text, expected", [
    ('[study]\ntitel = "t"\n[[sources]]\nkind = "imports"\n', "missing required key 'title'"),
    ('[study]\ntitle = "t"\ntitel = "x"\n[[sources]]\nkind = "imports"\n', "[study]: unknown key 'titel'; allowed keys: title"),
    ('[study]\ntitle = "t"\nseed = "one"\n[[sources]]\nkind = "imports"\n', "key 'seed' must be an integer"),
    ('[study]\ntitle = "t"\nseed = true\n[[sources]]\nkind = "imports"\n', "key 'seed' must be an integer, got a boolean"),
    ('[study]\ntitle = "t"\nstart = "2019-13-01"\n[[sources]]\nkind = "imports"\n', "not a date in YYYY-MM-DD form"),
    ('[study]\ntitle = "t"\nstart = 2020-01-01\nend = 2019-01-01\n[[sources]]\nkind = "imports"\n', "is after end"),
    ('[study]\ntitle = "t"\ngroups = ["outlet", "mood"]\n[[sources]]\nkind = "imports"\n', "contains 'mood'; allowed: outlet"),
    ('[study]\ntitle = "t"\n', "at least one [[sources]]"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "rss"\n', "sources[0]: key 'kind' is 'rss'; allowed: dataset, files, imports"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "dataset"\ndataset = "allsides"\n[[sources.match]]\npatterns = ["(unclosed"]\n',
     "sources[0].match[0]: key 'patterns': pattern '(unclosed' is not a valid regular expression"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "files"\noutlet = "X"\n', "give exactly one of 'path'"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "imports"\n[[actors]]\nname = "A"\ntype = "company"\n',
     "actors[0]: actor 'A' needs at least one alias or pattern"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "imports"\n[[actors]]\nname = "A"\ntype = "robot"\naliases = ["a"]\n',
     "actors[0]: key 'type' is 'robot'; allowed: company"),
    ('[study]\ntitle = "t"\n[compare]\nconfidence = 1.5\n[[sources]]\nkind = "imports"\n', "key 'confidence' is 1.5"),
    ('[study]\ntitle = "t"\n[compare]\nn_boot = 10\n[[sources]]\nkind = "imports"\n', "[compare]: key 'n_boot' is 10; allowed: 100 <= n_boot <= 100000 (bootstrap resamples)"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "imports"\n[extra]\nx = 1\n', "top level: unknown key 'extra'"),
    ('[study\ntitle = "t"\n', "not valid TOML"),
    ('[study]\ntitle = "t"\nseed = -1\n[[sources]]\nkind = "imports"\n', "key 'seed' is -1; allowed: 0 <= seed <= 4294967295"),
    ('[study]\ntitle = "t"\nstart = 2019-01-01T00:00:00Z\n[[sources]]\nkind = "imports"\n', "key 'start' is a date-time"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "dataset"\ndataset = "allside"\n', "sources[0]: key 'dataset' is 'allside'; allowed: allsides, neus"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "dataset"\ndataset = "allsides"\nfile = "article"\n', "key 'file' is 'article'; allowed: articles, china_subset"),
    ('[study]\ntitle = "t"\n[[sources]]\nkind = "files"\ndataset = "nope"\noutlet = "X"\n', "key 'dataset' is 'nope'; allowed: seed"),
    (MINIMAL + '[sentiment]\ninstruments = ["vader", "liwc"]\n', "[sentiment]: key 'instruments' names 'liwc'; allowed: vader"),
    (MINIMAL + '[sentiment]\nactor_instruments = ["bert"]\n', "key 'actor_instruments' names 'bert'"),
    (MINIMAL + '[sentiment]\ninstruments = []\n', "must name at least one instrument"),
    (MINIMAL + '[sentiment]\n[[sentiment.dictionaries]]\nname = "d"\npath = "x.dic"\n',
     "sentiment.dictionaries[0]: dictionary 'd' needs 'positive' and 'negative' categories or a 'signed'"),
    (MINIMAL + '[sentiment]\n[[sentiment.dictionaries]]\nname = "d"\npositive = ["p"]\n',
     "give either 'path' (a file relative to the project root) or 'dataset' and 'file'"),
    (MINIMAL + '[sentiment]\n[[sentiment.dictionaries]]\nname = "vader"\npath = "x.dic"\nsigned = "v"\n',
     "dictionary name 'vader' is a built-in instrument"),
    (MINIMAL + '[sentiment]\n[[sentiment.dictionaries]]\nname = "d"\npath = "x.dic"\nsigned = "v"\nformat = "xls"\n',
     "key 'format' is 'xls'; allowed: dic, csv"),
    (MINIMAL + '[framing]\ntopics = 1\n', "key 'topics' is 1; allowed: 2 <= topics <= 50 (topics, or \"auto\")"),
    (MINIMAL + '[framing]\nterms_by = ["mood"]\n', "key 'terms_by' contains 'mood'"),
    (MINIMAL + '[framing]\nclassifier = "mfc"\n', "key 'classifier' is 'mfc'; allowed: narrative_frames, "),
    (MINIMAL + '[[referents]]\nname = "camps"\nlabels = {}\n', "referents[0]: referent 'camps' needs at least one label"),
    (MINIMAL + '[[referents]]\nname = "camps"\nlabels = { a = 3 }\n', "label 'a' must map to a regex or a list"),
    (MINIMAL + '[provenance]\nmin_containment = 1.5\n', "[provenance]: key 'min_containment' is 1.5; allowed: 0 < min_containment <= 1"),
    (MINIMAL + '[provenance]\nevent_gap_days = -1\n', "key 'event_gap_days' is -1; allowed: 0 <= event_gap_days <= 36500 (days; 0 is one event)"),
    (MINIMAL + '[provenance]\nevent_max_days = -2\n',
     "key 'event_max_days' is -2; allowed: 0 <= event_max_days <= 36500 (days from an event's first article; "
     "0 is no bound)"),
    (MINIMAL + '[provenance]\nevent_max_days = 2.5\n', "key 'event_max_days'"),
    (MINIMAL + '[provenance]\nfact_threshold = 1.2\n', "key 'fact_threshold' is 1.2; allowed: 0 < fact_threshold < 1 (a cosine distance)"),
    (MINIMAL + '[provenance]\nreuse = "drop"\n', "[provenance]: unknown key 'reuse'"),
    (MINIMAL + '[[actors]]\nname = "A"\ntype = "company"\naliases = ["a"]\nsource_type = "pundit"\n',
     "key 'source_type' is 'pundit'; allowed: us_government"),
    (MINIMAL + '[[actors]]\nname = "A"\naliases = ["a"]\nnot_within = "World a"\n',
     "actors[0]: key 'not_within' must be a list"),
])
def test_bad_study_files_name_file_key_and_allowed_values(text, expected):
    with pytest.raises(StudyConfigError) as err:
        parse_study(text, study_id="x", path=P)
    message = str(err.value)
    assert str(P) in message
    assert expected in message
    assert "\n" not in message


def test_invalid_actor_pattern_names_file_and_line():
    text = (MINIMAL + '\n[[actors]]\nname = "US"\ntype = "government"\naliases = ["US"]\n'
            'patterns = ["\\\\bU\\\\.S\\\\.", "(?P<x>a"]\n')
    with pytest.raises(StudyConfigError) as err:
        parse_study(text, study_id="x", path=P)
    line = text.splitlines().index('patterns = ["\\\\bU\\\\.S\\\\.", "(?P<x>a"]') + 1
    assert str(err.value).startswith(f"{P}:{line}: actors[0]: key 'patterns': pattern '(?P<x>a' is not a valid")


def test_sentiment_settings_with_a_dictionary():
    s = parse_study(MINIMAL + '[sentiment]\ninstruments = ["mfd", "vader"]\nactor_instruments = ["sentence_vader"]\n'
                    '[[sentiment.dictionaries]]\nname = "mfd"\ndataset = "emfd"\nfile = "mfd2"\n'
                    'positive = ["*.virtue"]\nnegative = ["*.vice"]\n', study_id="x", path=P)
    assert s.sentiment.instruments == ("mfd", "vader")
    assert s.sentiment.actor_instruments == ("sentence_vader",)
    (d,) = s.sentiment.dictionaries
    assert (d.dataset, d.file, d.positive, d.negative, d.path) == ("emfd", "mfd2", ("*.virtue",), ("*.vice",), None)
    assert parse_study(MINIMAL, study_id="x", path=P).sentiment.instruments == ("vader",)


def test_transformer_models_are_instruments_of_their_kind_and_bad_entries_name_the_key():
    models = ('[[sentiment.models]]\nname = "sst2"\nkind = "sentence"\nmodel = "owner/sst2"\n'
              '[[sentiment.models]]\nname = "absa"\nkind = "target"\nmodel = "models/absa"\ntarget_input = "marked"\n'
              'labels = ["negative", "neutral", "positive"]\n[[sentiment.models]]\nname = "grutsc"\nkind = "newsmtsc"\n')
    s = parse_study(MINIMAL + '[sentiment]\ninstruments = ["vader", "sst2"]\nactor_instruments = ["absa", "grutsc"]\n'
                    + models, study_id="x", path=P)
    assert s.sentiment.instruments == ("vader", "sst2")
    absa = s.sentiment.models[1]
    assert (absa.kind, absa.model, absa.target_input, absa.labels, absa.batch_size) == (
        "target", "models/absa", "marked", ("negative", "neutral", "positive"), 32)
    bad = {'instruments = ["absa"]': "key 'instruments' names 'absa'",  # a target model is not a sentence instrument
           'actor_instruments = ["sst2"]': "key 'actor_instruments' names 'sst2'"}
    for line, message in bad.items():
        with pytest.raises(StudyConfigError, match=message):
            parse_study(MINIMAL + f"[sentiment]\n{line}\n" + models, study_id="x", path=P)
    for entry, message in {'name = "m"\nkind = "sentence"\n': "'model' .* is required",
                           'name = "m"\nkind = "newsmtsc"\nmodel = "a/b"\n': "not used by kind 'newsmtsc'",
                           'name = "m"\nkind = "image"\nmodel = "a/b"\n': "key 'kind' is 'image'",
                           'name = "vader"\nkind = "sentence"\nmodel = "a/b"\n': "built-in instrument",
                           'name = "m"\nkind = "sentence"\nmodel = "a/b"\nlabels = ["good"]\n': "'labels' may only",
                           'name = "m"\nkind = "sentence"\nmodel = "a/b"\ndevice = "cuda"\n': "unknown key 'device'"
                           }.items():
        with pytest.raises(StudyConfigError, match=message):
            parse_study(MINIMAL + "[sentiment]\n[[sentiment.models]]\n" + entry, study_id="x", path=P)


def test_invalid_referent_regex_names_file_and_line():
    text = MINIMAL + '[[referents]]\nname = "camps"\nlabels = { "camps" = ["camps?", "re-(education"] }\n'
    with pytest.raises(StudyConfigError) as err:
        parse_study(text, study_id="x", path=P)
    assert str(err.value).startswith(f"{P}:7: referents[0]: label 'camps': pattern 're-(education' is not a valid")


def test_framing_settings_and_referents():
    s = parse_study(MINIMAL + '[framing]\ncodebooks = ["entity_list", "my/codebook.toml"]\ntopics = 6\n'
                    '[[referents]]\nname = "camps"\nlabels = { "internment camps" = "internment camps?", '
                    '"camps" = ["camps?", "facilit(?:y|ies)"] }\n', study_id="x", path=P)
    assert s.framing.codebooks == ("entity_list", "my/codebook.toml") and s.framing.topics == 6
    assert s.referents[0].labels == (("internment camps", ("internment camps?",)), ("camps", ("camps?", "facilit(?:y|ies)")))
    paths = config.study_paths("x", root=Path("/project"))
    assert paths.codebook("entity_list") == config.SHIPPED_CODEBOOKS / "entity_list.toml"
    assert paths.codebook("my/codebook.toml") == Path("/project/my/codebook.toml")


def test_skeleton_parses_and_uses_imports():
    s = parse_study(skeleton("demo"), study_id="demo", path=P)
    assert [src.kind for src in s.sources] == ["imports"]
    assert s.keep_undated is True  # unlike the key's default (false), said so in the template and the README
    assert [a.name for a in s.actors] == ["Government"]  # an example actor, so the actor figures are not blank


def test_load_study_reports_missing_files(project):
    paths = config.study_paths("nope")
    with pytest.raises(StudyConfigError, match="no such study file; create it with `python -m analysis init nope`"):
        load_study(paths)
    paths.study_dir.mkdir(parents=True)
    paths.study_file.write_text('[study]\ntitle = "t"\noutlets = "data/missing.csv"\n[[sources]]\nkind = "imports"\n')
    with pytest.raises(StudyConfigError, match=r"key 'outlets' points to .*missing.csv, which does not exist"):
        load_study(paths)


@pytest.mark.parametrize("bad", ["../evil", "demo\n", "Demo"])
def test_bad_study_id_is_rejected(project, bad):
    with pytest.raises(StudyConfigError, match="is not allowed"):
        load_study(config.study_paths(bad))


def test_settings_hash_changes_with_any_setting():
    a = parse_study(MINIMAL, study_id="x", path=P)
    b = parse_study(MINIMAL.replace('title = "t"', 'title = "t"\nseed = 2'), study_id="x", path=P)
    assert a.settings_hash() != b.settings_hash()
    assert a.settings_hash() == parse_study(MINIMAL, study_id="x", path=P).settings_hash()


def test_default_study_parses():
    s = load_study(config.study_paths("entity-list", config.PACKAGE_DIR.parent))
    assert {a.name for a in s.actors} >= {"Huawei", "Uighurs", "US government", "Chinese government"}
    assert [src.kind for src in s.sources] == ["dataset", "files", "imports"]


def test_languages_default_to_english_and_must_be_codes():
    assert parse_study(MINIMAL, study_id="x", path=P).languages == ("en",)
    text = MINIMAL.replace("[study]\n", '[study]\nlanguages = ["en", "zh"]\n', 1)
    assert parse_study(text, study_id="x", path=P).languages == ("en", "zh")
    with pytest.raises(StudyConfigError, match="key 'languages' must list ISO 639-1 codes"):
        parse_study(MINIMAL.replace("[study]\n", '[study]\nlanguages = ["English"]\n', 1), study_id="x", path=P)
    with pytest.raises(StudyConfigError, match=r"\[provenance\]: key .wire_agencies. must list agency names"):
        parse_study(MINIMAL + '[provenance]\nwire_agencies = [""]\n', study_id="x", path=P)


def test_the_clause_model_is_an_opt_in_actor_instrument():
    s = parse_study(MINIMAL + '[sentiment]\nactor_instruments = ["target_clause", "target_logreg"]\n',
                    study_id="x", path=P)
    assert s.sentiment.actor_instruments == ("target_clause", "target_logreg")
    assert "target_clause" not in parse_study(MINIMAL, study_id="x", path=P).sentiment.actor_instruments


def test_init_template_names_every_key_of_the_readme_reference():
    import re
    from pathlib import Path

    from analysis.core.study_template import skeleton

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    reference = readme.split("### `study.toml` reference", 1)[1].split("\n### ", 1)[0]
    keys = set()
    for row in (line for line in reference.splitlines() if line.startswith("| `")):
        for token in re.findall(r"`([^`]+)`", row.split("|")[1]):
            keys |= {part.strip("[]").split(".")[-1] for part in re.split(r"[\s,]+", token)
                     if re.fullmatch(r"\[*[a-z_.]+\]*", part)}
    text = skeleton("demo")
    missing = sorted(k for k in keys if not re.search(rf"\b{re.escape(k)}\b", text))
    assert len(keys) > 40 and not missing


def test_skeleton_without_its_example_actor_for_callers_that_bring_their_own():
    from analysis.run.api import study_text

    assert parse_study(skeleton("demo", example_actor=False), study_id="demo", path=P).actors == ()
    made = parse_study(study_text("demo", actors=["Hikvision"]), study_id="demo", path=P)
    assert [a.name for a in made.actors] == ["Hikvision"]
