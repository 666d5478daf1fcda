"""Dictionary instruments: every lexicon format, hand-computed scores, line-accurate errors, real MFD/eMFD files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from analysis.collect.datasets import locate
from analysis.core.errors import AnalysisError
from analysis.sentiment.lexicon import DictionaryScorer, LexiconError, load_lexicon

TINY_DIC = """\
%
1\tpositive
2\tnegative
3\tphrase
%

good\t1
great*\t1
bad\t2
kind of\t3
abandon*\t2
"""
COMPASSION = "They showed compassion and kindness, not cruelty."


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def rows(lexicon) -> list[tuple]:
    return list(lexicon.entries.itertuples(index=False, name=None))


# --- formats -------------------------------------------------------------------------------------------------

def test_dic_entries_wildcards_and_phrases(tmp_path):
    lex = load_lexicon(write(tmp_path, "tiny.dic", TINY_DIC))
    assert lex.name == "tiny" and lex.categories == ("positive", "negative", "phrase")
    assert rows(lex) == [("good", False, "positive", 1.0), ("great", True, "positive", 1.0),
                         ("bad", False, "negative", 1.0), ("kind of", False, "phrase", 1.0),
                         ("abandon", True, "negative", 1.0)]
    assert lex.entries["is_prefix"].dtype == bool and lex.entries["weight"].dtype == float
    assert len(lex.sha256) == 64


def test_dic_quirks_of_real_files(tmp_path):
    # Padded '%' lines, zero-padded ids, space-aligned header, several ids per term,
    # spaces before the tab, trailing blanks, a term and ids separated by spaces only.
    text = "%\t\t\n01          care\n02          harm\n%\t\t\n\t\t\nsafe*\t\t\t01     \n" \
           "debauche* \t\t02\nmoral*          \t01\t\npreserve\t\t01 02         \nsorta kinda 2\n"
    lex = load_lexicon(write(tmp_path, "q.dic", text))
    assert rows(lex) == [("safe", True, "care", 1.0), ("debauche", True, "harm", 1.0), ("moral", True, "care", 1.0),
                         ("preserve", False, "care", 1.0), ("preserve", False, "harm", 1.0),
                         ("sorta kinda", False, "harm", 1.0)]


def test_csv_long_tsv_wide_yaml_and_bom(tmp_path):
    long = load_lexicon(write(tmp_path, "l.csv", "term,category,weight\nGood,pos,2\ngoo*,pos,\n\nawful,neg,3\n"))
    assert rows(long) == [("good", False, "pos", 2.0), ("goo", True, "pos", 1.0), ("awful", False, "neg", 3.0)]
    no_weight = load_lexicon(write(tmp_path, "n.tsv", "\ufeffterm\tcategory\nkind of\tphrase\n"))
    assert rows(no_weight) == [("kind of", False, "phrase", 1.0)]
    wide = load_lexicon(write(tmp_path, "w.csv", "word,care,harm\nhelp,0.8,\nhurt,,0.9\naid,0.5,-0.1\n"))
    assert wide.categories == ("care", "harm")
    assert rows(wide) == [("help", False, "care", 0.8), ("hurt", False, "harm", 0.9), ("aid", False, "care", 0.5),
                          ("aid", False, "harm", -0.1)]
    yml = load_lexicon(write(tmp_path, "v.yml", "valence:\n  love: 3\n  hate: -4\ntopic: [china, no, trade*]\n"))
    assert yml.categories == ("valence", "topic")
    assert rows(yml) == [("love", False, "valence", 3.0), ("hate", False, "valence", -4.0),
                         ("china", False, "topic", 1.0), ("no", False, "topic", 1.0), ("trade", True, "topic", 1.0)]


def test_format_argument_overrides_suffix_and_identical_repeats_are_dropped(tmp_path):
    lex = load_lexicon(write(tmp_path, "words.txt", "%\n1\tpos\n%\ngood\t1\ngood\t1\n"), format="dic")
    assert rows(lex) == [("good", False, "pos", 1.0)]


# --- matching and scores -------------------------------------------------------------------------------------

def test_wildcard_phrase_and_polarity_hand_computed(tmp_path):
    scorer = DictionaryScorer(path=str(write(tmp_path, "tiny.dic", TINY_DIC)), positive=("positive",),
                              negative=("neg*",)).fit()
    assert list(scorer.get_feature_names_out()) == ["score", "positive", "negative", "phrase"]
    out = scorer.transform(["Good, greatest and GREATLY bad.", "It was kind of abandoned", "", "Nothing here"])
    # 1: 5 tokens; good, greatest, greatly positive (3), bad negative (1): (3 - 1) / 4.
    # 2: 5 tokens; "kind of" one phrase hit; abandoned negative: (0 - 1) / 1.
    expected = [[0.5, 3 / 5, 1 / 5, 0], [-1.0, 0, 1 / 5, 1 / 5], [0, 0, 0, 0], [0, 0, 0, 0]]
    np.testing.assert_allclose(out, expected)


def test_each_token_counts_once_per_category(tmp_path):
    path = write(tmp_path, "o.dic", "%\n1\tx\n2\ty\n%\nkind of\t1\nkind\t1 2\nkin*\t1\nof\t2\n")
    out = DictionaryScorer(path=str(path)).fit().transform(["kind of kind", "kindest"])
    # x: "kind of" claims tokens 0-1, "kind" token 2 -> 2 of 3. y: kind, of, kind -> 3 of 3.
    # "kindest": only the prefix kin* (x). No role set: the score column is NaN.
    assert np.isnan(out[:, 0]).all()
    np.testing.assert_allclose(out[:, 1:], [[2 / 3, 1.0], [1.0, 0.0]])


def test_weights_exact_beats_prefix_and_apostrophes(tmp_path):
    path = write(tmp_path, "w.csv", "term,category,weight\ngood,pos,2\ngoo*,pos,0.5\nawful,neg,3\n"
                                    "good,intensity,1\ndon't,neg,1\n")
    scorer = DictionaryScorer(path=str(path), positive="pos", negative=("neg",)).fit()
    out = scorer.transform(["good goods goo", "good but awful", "Don\u2019t"])
    # good -> exact 2 (not the prefix 0.5); goods, goo -> 0.5 each: pos 3 over 3 tokens, intensity 1/3.
    # "good but awful": P 2, N 3 -> -1/5. The curly apostrophe meets "don't".
    np.testing.assert_allclose(out, [[1.0, 1.0, 0, 1 / 3], [-0.2, 2 / 3, 1.0, 1 / 3], [-1.0, 0, 1.0, 0]])


def test_signed_category(tmp_path):
    path = write(tmp_path, "v.yaml", "valence:\n  love: 3\n  hate: -4\n  meh: 0\ntopic: [china, trade]\n")
    sentence = ["I love trade but hate meh tariffs"]  # 7 tokens
    out = DictionaryScorer(path=str(path), signed="valence").fit().transform(sentence)
    np.testing.assert_allclose(out, [[(3 - 4) / (3 + 4), (3 - 4 + 0) / 7, 1 / 7]])
    both = DictionaryScorer(path=str(path), signed="valence", positive=("topic",)).fit().transform(sentence)
    assert both[0, 0] == 0.0  # P = 3 + 1, N = 4


def test_missing_values_and_single_string(tmp_path):
    scorer = DictionaryScorer(path=str(write(tmp_path, "tiny.dic", TINY_DIC)), positive=("positive",)).fit()
    np.testing.assert_array_equal(scorer.transform([None, float("nan")]), np.zeros((2, 4)))
    with pytest.raises(TypeError):
        scorer.transform("good")


# --- errors ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, text, line, reason", [
    ("a.dic", "%\n1\tpos\n%\ngood\t1\nbad\t2\n", 5, "category id '2' is not defined"),
    ("b.dic", "\n%\n1\tpos\ngood\t1\n", 2, "never closed"),
    ("c.dic", "good\t1\n", 1, "starts with a '%'"),
    ("d.dic", "%\n1\tpos\n%\ngood\n", 4, "expected 'term<TAB>category id"),
    ("e.dic", "%\n1\tpos\n1\tneg\n%\n", 3, "each id and name once"),
    ("f.dic", "%\n1\tpos\n%\n", 3, "no entries"),
    ("g.dic", "%\n1\tpos\n%\nab*c\t1\n", 4, "'*' that is not its last"),
    ("h.csv", "term,category,weight\ngood,pos,1\nbad,neg,very\n", 3, "'very' of 'bad' is not a number"),
    ("i.csv", "term,category,weight\ngood,pos,1\nbad,neg,1,2\n", 3, "expected 3 fields, got 4"),
    ("j.csv", "lemma,pos\ngood,1\n", 1, "header must be"),
    ("k.tsv", "word\tcare\nhelp\t0.8\nhurt\tx\n", 3, "'x' of 'hurt' is not a number"),
    ("m.csv", "term,category,weight\ngood,pos,1\ngood,pos,2\n", 3, "already in 'pos' with weight 1.0 (line 2)"),
    ("n.csv", "term,category,weight\ngood,pos,nan\n", 2, "not a finite number"),
    ("o.csv", "term,category\n", 1, "no entries"),
    ("p.yaml", "# comment\n- good\n- bad\n", 2, "top level must be a mapping"),
    ("q.yaml", "pos: [a, b\nneg: c\n", 2, "not valid YAML"),
    ("r.yaml", "pos: [good]\nneg: bad\n", 2, "category 'neg' must be a list"),
    ("s.yaml", "pos:\n  good: 1\n  great: lots\n", 3, "'lots' of 'great' is not a number"),
    ("t.yaml", "", 1, "no entries"),
    ("u.dic", b"%\n1\tpos\n%\ncaf\xe9\t1\n", 4, "not UTF-8 (byte offset 13)"),
])
def test_malformed_lexicons_name_file_and_line(tmp_path, name, text, line, reason):
    path = write(tmp_path, name, text)
    with pytest.raises(LexiconError) as info:
        load_lexicon(path)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert reason in str(info.value)
    assert isinstance(info.value, AnalysisError)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(LexiconError, match="no such lexicon file") as info:
        load_lexicon(tmp_path / "gone.dic")
    assert str(tmp_path / "gone.dic") in str(info.value)
    with pytest.raises(LexiconError, match="not one of dic, csv, tsv, yaml"):
        load_lexicon(write(tmp_path, "x.json", "{}"))


@pytest.mark.parametrize("params, reason", [
    ({"positive": ("*.virtue",)}, "positive pattern '*.virtue' matches no category"),
    ({"signed": "valence"}, "signed='valence' is not a category"),
    ({"positive": ("pos*",), "negative": ("positive",)}, "more than one of positive, negative, signed"),
])
def test_fit_rejects_settings_that_do_not_fit_the_lexicon(tmp_path, params, reason):
    with pytest.raises(LexiconError, match=reason.replace("*", r"\*")):
        DictionaryScorer(path=str(write(tmp_path, "tiny.dic", TINY_DIC)), **params).fit()
    wide = write(tmp_path, "w.csv", "word,care,harm\naid,0.5,-0.1\n")
    with pytest.raises(LexiconError, match="'harm' has negative weights"):
        DictionaryScorer(path=str(wide), negative=("harm",)).fit()


# --- estimator contract ---------------------------------------------------------------------------------------

def test_estimator_contract(tmp_path):
    estimator = DictionaryScorer(path=str(write(tmp_path, "tiny.dic", TINY_DIC)), positive=("positive",))
    cloned = clone(estimator)
    assert cloned.get_params() == estimator.get_params() == {
        "path": estimator.path, "name": None, "positive": ("positive",), "negative": (), "signed": None,
        "format": None}
    assert not [a for a in vars(cloned) if a.endswith("_")]
    with pytest.raises(NotFittedError):
        cloned.transform(["good"])
    with pytest.raises(NotFittedError):
        cloned.get_feature_names_out()
    assert cloned.fit() is cloned
    assert cloned.kind == "dictionary" and cloned.n_terms_ == 5
    assert cloned.version_ == f"tiny {cloned.lexicon_.sha256[:12]}"
    assert cloned.set_params(name="mine").fit().version_.startswith("mine ")
    out = cloned.set_output(transform="pandas").transform(pd.Series(["good", "bad"], index=[10, 20]))
    assert list(out.index) == [10, 20] and list(out.columns) == ["score", "positive", "negative", "phrase"]


# --- real lexicons --------------------------------------------------------------------------------------------

def test_real_mfd2(project):
    path = locate("emfd", "mfd2", download=False)
    lex = load_lexicon(path)
    assert lex.categories == tuple(f"{f}.{v}" for f in ("care", "fairness", "loyalty", "authority", "sanctity")
                                   for v in ("virtue", "vice"))
    assert len(lex.entries) == 2103 and not lex.entries["is_prefix"].any()  # README: 2,103 word entries
    assert ("tit for tat", False, "fairness.virtue", 1.0) in rows(lex)
    scorer = DictionaryScorer(path=str(path), positive=("care.virtue",), negative=("care.vice",)).fit()
    assert scorer.n_terms_ == 2040  # some words sit in two categories (e.g. "protect": care and authority)
    out = scorer.transform([COMPASSION])
    # 7 tokens; compassion and kindness are care.virtue, cruelty care.vice, nothing else matches.
    assert out[0, 0] == pytest.approx((2 - 1) / (2 + 1))
    np.testing.assert_allclose(out[0, 1:], [2 / 7, 1 / 7] + [0] * 8)
    both = DictionaryScorer(path=str(path), positive=("*.virtue",), negative=("*.vice",)).fit()
    assert both.transform([COMPASSION])[0, 0] == pytest.approx(1 / 3)


def test_real_original_mfd_wildcards(project):
    lex = load_lexicon(locate("emfd", "mfd_original", download=False))
    assert lex.categories[-1] == "moral" and len(lex.categories) == 11
    assert lex.entries["term"].nunique() == 324 and len(lex.entries) == 359  # README: 324 entries (terms)
    found = set(rows(lex))
    assert {("compassion", True, "care.virtue", 1.0), ("debauche", True, "sanctity.vice", 1.0),
            ("fair-", True, "fairness.virtue", 1.0), ("preserve", False, "sanctity.virtue", 1.0)} <= found
    scorer = DictionaryScorer(path=str(lex.source), positive=("*.virtue",), negative=("*.vice",)).fit()
    out = pd.DataFrame(scorer.transform([COMPASSION, "A fair-minded judge"]),
                       columns=scorer.get_feature_names_out())
    # compassion* and cruel* match; "kindness" is not in the original MFD: (1 - 1) / 2.
    assert out.loc[0, "score"] == 0 and out.loc[0, "care.virtue"] == out.loc[0, "care.vice"] == pytest.approx(1 / 7)
    # "fair-*" covers "fair" + the next token; with "fair" itself it counts once: 1 of 4 tokens.
    assert out.loc[1, "fairness.virtue"] == pytest.approx(1 / 4) and out.loc[1, "score"] == 1.0


def test_real_emfd_wide_csv(project):
    path = locate("emfd", "emfd_scoring", download=False)
    lex = load_lexicon(path)
    assert lex.entries["term"].nunique() == 3270 and len(lex.categories) == 10
    assert len(lex.entries) == 3270 * 10  # no empty cells: zeros are entries too
    out = DictionaryScorer(path=str(path), signed="care_sent").fit().transform([COMPASSION])
    # emfd_scoring.csv lines 706 (compassion) and 1247 (showed); no other token is in the eMFD.
    care_p = 0.4166666666666667 + 0.0743801652892562
    p, n = 0.76659, 0.04577777777777779
    names = ["score", *lex.categories]
    assert out[0, names.index("care_p")] == pytest.approx(care_p / 7)
    assert out[0, names.index("care_sent")] == pytest.approx((p - n) / 7)
    assert out[0, 0] == pytest.approx((p - n) / (p + n))
