"""The scikit-learn contract, checked on every estimator class of the package.

Estimators are discovered by importing every module of ``analysis`` and collecting the subclasses of
:class:`sklearn.base.BaseEstimator` defined there, so a new estimator is covered as soon as it exists:
it then needs an entry in ``FACTORIES`` (a small instance and tiny fit data), or the tests fail.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sklearn.base
from conftest import SHARED_DATA
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

import analysis
from analysis.core.errors import AnalysisError, DataNotFoundError, MissingExtraError


def discover() -> list[type]:
    """Every BaseEstimator subclass defined in a module of ``analysis`` (``__main__`` modules are not imported)."""

    def broken(name: str) -> None:
        raise ImportError(f"cannot walk {name}")

    found = {}
    for info in pkgutil.walk_packages(analysis.__path__, "analysis.", onerror=broken):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # running it is running the CLI
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, BaseEstimator) and obj.__module__ == module.__name__:
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[k] for k in sorted(found)]


ESTIMATORS = discover()
KNOWN = {"ActorMatcher", "PunktSentenceSplitter", "LabelMatcher", "FrameMatcher", "TopicModel", "FrameClassifier",
         "MarkerScorer", "VaderScorer", "DictionaryScorer", "NameMasker", "SentenceSentimentRegressor", "VaderDetail",
         "VaderLexiconValences",
         "MentionViews", "TargetSentimentClassifier", "SentenceVaderBaseline", "BiasClassifier", "ClauseFeatures",
         "ClauseTargetClassifier", "TransformerSentenceScorer", "TransformerTargetClassifier",
         "NewsSentimentTargetClassifier", "MemoTfidfVectorizer", "MemoRows", "PpmiSvdVectors"}
# sklearn.base's mixins, less those BaseEstimator itself inherits (its HTML repr)
MIXINS = [obj for name, obj in vars(sklearn.base).items()
          if isinstance(obj, type) and name.endswith("Mixin") and obj not in BaseEstimator.__mro__]
NEEDS_FIT = ("transform", "predict", "predict_proba")


@dataclass
class Case:
    """A small estimator and what to fit it on.

    ``calls``: methods (besides transform / predict / predict_proba) that need a fitted estimator, with
    the argument to call them with. ``invalid``: parameter values the estimator must reject at fit time,
    for estimators that check their parameters without ``_parameter_constraints``.
    """

    estimator: BaseEstimator
    X: Any = None
    y: Any = None
    fit_params: dict = field(default_factory=dict)
    calls: dict[str, Any] = field(default_factory=dict)
    invalid: dict[str, Any] = field(default_factory=dict)


# --- tiny in-code data --------------------------------------------------------------------------------------

SENTENCES = ["The budget will cost taxpayers more money.", "Higher prices cost families money.",
             "The tax plan cuts spending from the budget.", "Investors lost money as the economy slowed.",
             "The project costs billions of dollars.", "A carbon tax raises prices and costs jobs.",
             "Protesters clashed with police in a violent fight.", "The senator attacked his opponents.",
             "Rival groups fight a bitter battle over the law.", "Critics attacked the plan and clashed.",
             "The dispute turned into an open fight.", "Opponents vowed to battle the ruling in court."]
ARTICLES = pd.DataFrame({
    "title": ["Rocket launch", "Orbit reached", "Moon mission", "Bread recipe", "Oven baking", "Dough tips"],
    "text": ["The rocket launch put a satellite in orbit.", "The satellite reached orbit after the rocket burn.",
             "A moon rocket and its satellite were tested.", "Bake the bread dough in a hot oven.",
             "The oven bakes bread and cakes from dough.", "Knead the dough before the bread goes in the oven."]})
CODEBOOK = """\
[codebook]
name = "tiny"
description = "A codebook for the contract test."

[[frames]]
id = "economy"
label = "Economy"
definition = "Money and prices."
indicators = ["budget", "cost*", "money"]
"""
LEXICON = "%\n1\tpositive\n2\tnegative\n%\ngood\t1\ngreat*\t1\nbad\t2\n"
TEMPLATES = ["{t} met the committee on Tuesday.", "Officials said {t} would attend the meeting.",
             "The report about {t} was published in March.", "On Monday {t} visited the factory in Ohio."]


def mentions() -> tuple[pd.DataFrame, np.ndarray]:
    rows = []
    for template in TEMPLATES:
        for target, label in (("Zorblax", "positive"), ("Quintor", "negative"), ("Melvane", "neutral")):
            start = template.index("{t}")
            rows.append({"text": template.format(t=target), "start": start, "end": start + len(target),
                         "label": label})
    X = pd.DataFrame(rows)
    return X[["text", "start", "end"]], X["label"].to_numpy()


# --- one factory per estimator class ------------------------------------------------------------------------

def _actor_matcher(tmp_path, monkeypatch) -> Case:
    from analysis.core.study import Actor
    from analysis.text.actors import ActorMatcher

    china = Actor("China", "government", aliases=("China", "Beijing"))
    return Case(ActorMatcher(actors=(china,)), calls={"find": "Beijing said so.", "spans": "China said so."})


def _punkt_sentence_splitter(tmp_path, monkeypatch) -> Case:
    from analysis.text.prepare import PunktSentenceSplitter

    return Case(PunktSentenceSplitter(), X=SENTENCES, calls={"spans": "One sentence. Another one."})


def _label_matcher(tmp_path, monkeypatch) -> Case:
    from analysis.framing.labels import LabelMatcher, Referent

    camps = Referent("camps", {"camps": ("camps?",), "schools": ("vocational schools?",)})
    return Case(LabelMatcher(referents=(camps,)), calls={"find": "They called the camps schools."},
                invalid={"referents": (camps, camps)})


def _frame_matcher(tmp_path, monkeypatch) -> Case:
    from analysis.framing.dictionary import FrameMatcher

    path = tmp_path / "tiny.toml"
    path.write_text(CODEBOOK, encoding="utf-8")
    return Case(FrameMatcher(codebook=path), X=SENTENCES, calls={"find": "It will cost money."},
                invalid={"codebook": tmp_path / "missing.toml"})


def _topic_model(tmp_path, monkeypatch) -> Case:
    from analysis.framing.topics import TopicModel

    return Case(TopicModel(n_topics=2, n_samples=0), X=ARTICLES, invalid={"sample_fraction": 1.5, "n_topics": 0})


def _frame_classifier(tmp_path, monkeypatch) -> Case:
    from analysis.framing.frame_classifier import FrameClassifier

    Y = pd.DataFrame({"economic": [True] * 6 + [False] * 6})
    return Case(FrameClassifier(), X=SENTENCES, y=Y, invalid={"threshold": 1.5, "calibration": "isotonic"})


def _marker_scorer(tmp_path, monkeypatch) -> Case:
    from analysis.framing.loaded_language import MarkerScorer

    # the word lists are data files: read from the shared mirror, as the tests of the module do
    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "data_home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    return Case(MarkerScorer(), X=SENTENCES, invalid={"match": "porter", "exact": ("no_such_list",)})


def _bias_classifier(tmp_path, monkeypatch) -> Case:
    from analysis.framing.bias_classifier import BiasClassifier

    monkeypatch.setenv("ANALYSIS_DATA_HOME", str(tmp_path / "data_home"))
    monkeypatch.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
    return Case(BiasClassifier(min_df=1, calibration_cv=2), X=SENTENCES, y=[0, 1] * 6,
                invalid={"vocabulary": "all", "lexicons": ("wordnet",)})


def _vader_scorer(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.scoring import VaderScorer

    return Case(VaderScorer(), X=SENTENCES)


def _dictionary_scorer(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.lexicon import DictionaryScorer

    path = tmp_path / "tiny.dic"
    path.write_text(LEXICON, encoding="utf-8")
    return Case(DictionaryScorer(path=str(path), positive=("positive",), negative=("negative",)),
                X=["A good day.", "A bad day."], invalid={"signed": "no_such_category", "format": "xml"})


def _name_masker(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.sentence_model import NameMasker

    return Case(NameMasker(), X=["Zorblax spoke today.", "Then Zorblax left.", "The rose grew."],
                invalid={"threshold": 0})


def _sentence_sentiment_regressor(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.sentence_model import SentenceSentimentRegressor

    y = np.repeat([0.5, -0.5], 6)
    return Case(SentenceSentimentRegressor(min_df=1), X=SENTENCES, y=y, fit_params={"training_set": "tiny"},
                invalid={"alpha": -1.0})


def _mention_views(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.target_sentiment import MentionViews

    X, _ = mentions()
    return Case(MentionViews(), X=X)


def _target_sentiment_classifier(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.target_sentiment import TargetSentimentClassifier

    X, y = mentions()
    return Case(TargetSentimentClassifier(min_df=1), X=X, y=y, calls={"polarity": X}, invalid={"C": -1.0})


def _sentence_vader_baseline(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.target_sentiment import SentenceVaderBaseline

    X, _ = mentions()
    return Case(SentenceVaderBaseline(), X=X, calls={"polarity": X})


def _clause_features(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.target_model import ClauseFeatures

    X, _ = mentions()
    return Case(ClauseFeatures(min_df=1), X=X)


def _clause_target_classifier(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.target_model import ClauseTargetClassifier

    X, y = mentions()
    # no word vectors: the AllSides ones take a minute to fit (tests/sentiment/test_target_model.py covers them)
    return Case(ClauseTargetClassifier(min_df=1, word_vectors=None), X=X, y=y, calls={"polarity": X},
                invalid={"C": -1.0, "neutral_band": "wide", "word_vectors": "glove"})


def _tiny_model(tmp_path) -> str:
    pytest.importorskip("transformers")
    from tiny_transformer import save_tiny_model

    return str(save_tiny_model(tmp_path / "tiny_model"))


def _transformer_sentence_scorer(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.transformer import TransformerSentenceScorer

    return Case(TransformerSentenceScorer(model=_tiny_model(tmp_path)), X=SENTENCES,
                invalid={"batch_size": 0, "max_length": 2})


def _transformer_target_classifier(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.transformer import TransformerTargetClassifier

    X, _ = mentions()
    return Case(TransformerTargetClassifier(model=_tiny_model(tmp_path)), X=X, calls={"polarity": X},
                invalid={"batch_size": -1, "target_input": "window"})


def _news_sentiment_target_classifier(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.transformer import NewsSentimentTargetClassifier

    X, _ = mentions()
    return Case(NewsSentimentTargetClassifier(), X=X, calls={"polarity": X}, invalid={"batch_size": 0})


def _vader_detail(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.vader_features import VaderDetail

    return Case(VaderDetail(), X=SENTENCES)


def _vader_lexicon_valences(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.vader_features import VaderLexiconValences

    return Case(VaderLexiconValences(), X=SENTENCES)


def _memo_tfidf_vectorizer(tmp_path, monkeypatch) -> Case:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from analysis.sentiment.feature_memo import FeatureMemo

    return Case(FeatureMemo().vectorizer(TfidfVectorizer(min_df=1)), X=SENTENCES)


def _memo_rows(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.feature_memo import FeatureMemo, MemoRows
    from analysis.sentiment.vader_features import VaderDetail

    return Case(MemoRows(VaderDetail(), memo=FeatureMemo()), X=SENTENCES)


def _ppmi_svd_vectors(tmp_path, monkeypatch) -> Case:
    from analysis.sentiment.word_vectors import PpmiSvdVectors

    return Case(PpmiSvdVectors(n_components=2, vocab_size=50, n_contexts=20, min_count=1, window=2), X=SENTENCES,
                invalid={"n_components": 10_000})


FACTORIES: dict[str, Callable[..., Case]] = {
    "MemoTfidfVectorizer": _memo_tfidf_vectorizer,
    "MemoRows": _memo_rows,
    "PpmiSvdVectors": _ppmi_svd_vectors,
    "ActorMatcher": _actor_matcher,
    "PunktSentenceSplitter": _punkt_sentence_splitter,
    "LabelMatcher": _label_matcher,
    "FrameMatcher": _frame_matcher,
    "TopicModel": _topic_model,
    "FrameClassifier": _frame_classifier,
    "MarkerScorer": _marker_scorer,
    "VaderScorer": _vader_scorer,
    "DictionaryScorer": _dictionary_scorer,
    "NameMasker": _name_masker,
    "VaderDetail": _vader_detail,
    "VaderLexiconValences": _vader_lexicon_valences,
    "SentenceSentimentRegressor": _sentence_sentiment_regressor,
    "MentionViews": _mention_views,
    "TargetSentimentClassifier": _target_sentiment_classifier,
    "SentenceVaderBaseline": _sentence_vader_baseline,
    "BiasClassifier": _bias_classifier,
    "ClauseFeatures": _clause_features,
    "ClauseTargetClassifier": _clause_target_classifier,
    "TransformerSentenceScorer": _transformer_sentence_scorer,
    "TransformerTargetClassifier": _transformer_target_classifier,
    "NewsSentimentTargetClassifier": _news_sentiment_target_classifier,
}


@pytest.fixture
def case(request, tmp_path, monkeypatch) -> Case:
    cls = request.param
    if cls.__qualname__ not in FACTORIES:
        pytest.fail(f"{cls.__module__}.{cls.__qualname__} is an estimator without a factory: add one to FACTORIES "
                    "in tests/test_estimators.py (a small instance and tiny fit data)")
    made = FACTORIES[cls.__qualname__](tmp_path, monkeypatch)
    assert type(made.estimator) is cls, f"the factory for {cls.__qualname__} built a {type(made.estimator).__name__}"
    return made


def needs_fit(case: Case) -> dict[str, Any]:
    """The methods that need a fitted estimator, with their arguments."""
    return {**{m: case.X for m in NEEDS_FIT if hasattr(case.estimator, m)}, **case.calls}


def fit(estimator: BaseEstimator, case: Case):
    try:
        return estimator.fit(case.X, case.y, **case.fit_params)
    except DataNotFoundError as exc:
        pytest.skip(f"{type(estimator).__name__} reads data that is not here: {exc}")
    except MissingExtraError as exc:  # NewsSentiment cannot share an environment with the pinned transformers
        pytest.skip(f"{type(estimator).__name__} needs a package that is not installed here: {exc}")


def param_names(cls: type) -> list[str]:
    if cls.__init__ is object.__init__:
        return []
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert all(p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params), "no *args / **kwargs in __init__"
    return [p.name for p in params]


each_estimator = pytest.mark.parametrize("case", ESTIMATORS, indirect=True, ids=lambda c: c.__qualname__)


def test_every_estimator_is_discovered_and_has_a_factory():
    names = [cls.__qualname__ for cls in ESTIMATORS]
    assert names, "no estimator found in the analysis package"
    assert len(set(names)) == len(names), f"two estimator classes share a name: {sorted(names)}"
    assert KNOWN <= set(names), f"not discovered: {sorted(KNOWN - set(names))}"
    assert not set(names) - set(FACTORIES), f"estimators without a factory: {sorted(set(names) - set(FACTORIES))}"
    assert not set(FACTORIES) - set(names), f"factories of classes that are gone: {sorted(set(FACTORIES) - set(names))}"


@each_estimator
def test_mixins_come_before_base_estimator(case):
    mro = type(case.estimator).__mro__
    late = [m.__name__ for m in MIXINS if m in mro and mro.index(m) > mro.index(BaseEstimator)]
    assert not late, f"{type(case.estimator).__name__}: {late} must be listed left of BaseEstimator"


@each_estimator
def test_clone_round_trips_params(case):
    cloned = clone(case.estimator)
    assert cloned is not case.estimator and type(cloned) is type(case.estimator)
    got, want = cloned.get_params(deep=False), case.estimator.get_params(deep=False)
    assert got.keys() == want.keys()
    for name, value in want.items():  # a wrapped estimator is cloned too: equal by type and parameters
        if isinstance(value, BaseEstimator):
            assert type(got[name]) is type(value) and got[name].get_params() == value.get_params(), name
        else:
            assert got[name] == value, name


@each_estimator
def test_params_are_the_init_signature(case):
    assert set(case.estimator.get_params()) == set(param_names(type(case.estimator)))


@each_estimator
def test_init_only_stores_its_parameters(case):
    cls = type(case.estimator)
    signature = inspect.signature(cls.__init__) if cls.__init__ is not object.__init__ else None
    required = {p: v for p, v in case.estimator.get_params().items()
                if signature.parameters[p].default is inspect.Parameter.empty}
    made = cls(**required)
    assert not [a for a in vars(made) if a.endswith("_")], "__init__ must not set fitted attributes"
    assert set(vars(made)) == set(param_names(cls)), "__init__ must store each parameter under its own name"
    for name in param_names(cls):
        default = required[name] if name in required else signature.parameters[name].default
        assert getattr(made, name) is default, f"__init__ must store {name} as given, not a copy or conversion"


@each_estimator
def test_unfitted_estimator_refuses_to_work(case):
    calls = needs_fit(case)
    assert calls, f"{type(case.estimator).__name__}: name a method that needs fitting in its Case.calls"
    for method, arg in calls.items():
        with pytest.raises(NotFittedError):
            getattr(clone(case.estimator), method)(arg)


@each_estimator
def test_fit_returns_self_and_sets_fitted_attributes(case):
    estimator = clone(case.estimator)
    assert fit(estimator, case) is estimator
    assert [a for a in vars(estimator) if a.endswith("_") and not a.startswith("__")], "no fitted attribute_"
    check_is_fitted(estimator)
    for method, arg in needs_fit(case).items():
        getattr(estimator, method)(arg)


class _Invalid:
    """A value of a type no parameter constraint accepts (as sklearn's own check_param_validation does)."""


@each_estimator
def test_invalid_parameters_are_rejected_at_fit(case):
    cls = type(case.estimator)
    constraints = getattr(cls, "_parameter_constraints", None)
    invalid = dict(case.invalid)
    if constraints is not None:
        invalid.update({p: _Invalid() for p, allowed in constraints.items()
                        if "no_validation" not in allowed and object not in allowed})
    if not invalid:
        pytest.skip(f"{cls.__name__} does not validate its parameters")
    for name, value in invalid.items():
        estimator = clone(case.estimator).set_params(**{name: value})  # constructing never validates
        with pytest.raises((ValueError, TypeError, AnalysisError), match=name):
            fit(estimator, case)
