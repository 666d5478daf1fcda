"""``analysis.sentiment.vader_fast``: identical scores to vaderSentiment 3.3.2, bit for bit.

Every test compares against the installed ``SentimentIntensityAnalyzer`` itself,
never against numbers written down here: real AllSides news sentences, VADER's
own NYT snippets and demo sentences, hand-written cases for every rule and
quirk, and seeded random sentences built from the words the rules react to.
"""

from __future__ import annotations

import random
import string
import struct

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA, allsides_articles
from vaderSentiment import vaderSentiment as vs

from analysis.collect import datasets
from analysis.core.errors import DataNotFoundError
from analysis.sentiment import vader_fast
from analysis.sentiment.vader_fast import FastVader
from analysis.text.prepare import PunktSentenceSplitter, split_sentences

KEYS = ("neg", "neu", "pos", "compound")


@pytest.fixture(scope="module")
def reference() -> vs.SentimentIntensityAnalyzer:
    return vs.SentimentIntensityAnalyzer()


@pytest.fixture(scope="module")
def fast() -> FastVader:
    return FastVader()


def bits(scores: dict) -> tuple:
    # Packed doubles tell 0.0 from -0.0, which == does not.
    return tuple(struct.pack("<d", scores[k]) for k in KEYS)


def mismatches(texts, want: list[dict], got: list[dict]) -> list[str]:
    return [f"{text!r}: vaderSentiment {w} fast {g}" for text, w, g in zip(texts, want, got)
            if list(g) != list(w) or bits(g) != bits(w)]


def assert_identical(reference, fast, texts) -> None:
    texts = list(texts)
    want = [reference.polarity_scores(t) for t in texts]
    bad = mismatches(texts, want, [fast.polarity_scores(t) for t in texts])
    assert not bad, f"{len(bad)} of {len(texts)} differ; first ones:\n" + "\n".join(bad[:10])
    # The batch path, cold and memoised, gives the same floats in its columns.
    rows = np.array([[w[k] for k in ("compound", "pos", "neu", "neg")] for w in want]).reshape(-1, 4)
    for scorer in (FastVader(cache_size=0), fast):
        got = scorer.score_many(texts)
        assert got.shape == (len(texts), 4) and got.dtype == np.float64
        assert got.tobytes() == rows.tobytes()


# --- real text -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def allsides_sentences() -> list[str]:
    df = allsides_articles().rename(columns={"source_id": "doc_id", "source_outlet": "outlet"})
    df = df.loc[df["text"].str.len() > 0].sample(n=600, random_state=0)
    splitter = PunktSentenceSplitter().fit(df["text"])
    return split_sentences(df[["doc_id", "outlet", "text"]], splitter=splitter)["text"].tolist()


@pytest.mark.slow  # splits and scores the AllSides sentences twice
def test_identical_on_allsides_sentences(reference, allsides_sentences):
    assert len(allsides_sentences) >= 25_000
    assert_identical(reference, FastVader(), allsides_sentences)


def test_identical_on_vader_nyt_snippets(reference, fast):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
        try:
            nyt = datasets.load_vader_nyt(download=False)
        except DataNotFoundError as exc:
            pytest.skip(f"VADER NYT ground truth not available: {exc}")
    assert len(nyt) > 5000
    assert_identical(reference, fast, nyt["text"].astype(str))


# The demo sentences of vaderSentiment.py's __main__ (the package ships no test files).
VADER_DEMO = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!!", "Poor direction.", "VERY poor production.", "The movie was bad.",
    "Very bad movie.", "VERY BAD movie!",
    "balloons", "cake", "candles", "happy birthday", "friends", "laughing", "smiling", "party",
    "riot", "fire", "fight", "blood", "mob", "war", "police", "tear gas",
    "I'm surprised to see just how amazingly helpful VADER is!",
]


def test_identical_on_vader_demo_sentences(reference, fast):
    assert_identical(reference, fast, VADER_DEMO)


# --- every rule, by hand ------------------------------------------------------------------------------------

EDGE_CASES = {
    "empty and blank": ["", " ", "   ", "\t\n", "\u00a0", "\u3000 \u2003", " \n good \n "],
    "punctuation only": ["!", "?", "!!!!!", "???", "...", ":)", ":-(", ":D", "<3", "!?!?", "- - -", "''"],
    "emoji": ["😁", "💘", " 😁 ", "😁😁", "love😁", "😁love", "good 😁!", "©", "© 2019 good", "x©y",
              "🇺🇸 great", "👍🏽 nice", "👨‍👩‍👧 family", "😁\u00a0😁", "the 😡 😡 day", "ok ☹️ bad"],
    "non-ASCII": ["Ça va très bien, merci", "ΟΔΟΣ ΚΑΛΟΣ good", "İstanbul is GREAT", "straße ist gut",
                  "Kelvin \u212a good", "ǅemal is happy", "ＧＯＯＤ ｇｏｏｄ", "ПЛОХО bad ПЛОХО",
                  "naïve café owners are happy", "“Great,” she said — it’s wonderful…", "He didn’t like it"],
    "ALL CAPS": ["THIS IS GREAT", "THIS IS GREAT!", "this is GREAT", "This Is Great", "GREAT", "great",
                 "VERY good", "very GOOD", "VERY GOOD", "It is VERY GOOD but BAD", "NO GOOD here",
                 "the KIND OF good"],
    "boosters": ["very good", "very nice day", "very much a good day", "extremely bad", "really really good",
                 "it is very very very good", "very so good", "the very good ones", "barely good", "slightly bad",
                 "somewhat very good", "hardly bad", "Absolutely FANTASTIC", "it was hella good"],
    "booster distance": ["very good", "very x good", "very x y good", "very x y z good", "EXTREMELY x y bad",
                         "so x good", "a b very good", "a b c very bad", "a b c very x bad", "a b c very x y bad"],
    "negation": ["not good", "not a good", "not a very good", "not a b good", "not a b c good",
                 "isn't good", "isnt good", "ISN'T GOOD", "didn't like it", "aint bad", "never good",
                 "never so good", "never this good", "a never so good", "a b never so good", "never x this good",
                 "uh-uh good", "nope bad", "nothing good", "despite good", "seldom happy", "rarely bad"],
    "n't forms": ["it wasn't good", "it won't hurt", "couldn't be happier", "don't worry", "shan't fail",
                  "he didn't'nt care", "n't good", "xn'tx good", "N'T good", "mightn't love", "can't stand it"],
    "without doubt": ["without doubt good", "without a doubt good", "without doubt a good", "x without doubt good",
                      "without good", "a without b good", "without any doubt, good", "without x doubt good"],
    "no": ["no good", "no", "no no", "no problem", "no x good", "no x y good", "no or good", "no nor good",
           "a no b or good", "No way", "NO GOOD", "good no", "no, good", "there is no hope", "no no no no"],
    "least": ["least good", "at least good", "very least good", "the least good", "x least good", "least",
              "a b least good", "at the least good", "LEAST good"],
    "kind of": ["kind of good", "kind of bad", "a kind of good", "a b kind of good", "a b c kind of good",
                "kind", "kind person", "kind of", "the kind of", "sort of good", "a b sort of good",
                "x y sort of bad", "just enough good", "a just enough good", "kinda good", "kind-of bad"],
    "idioms": ["the shit", "this is the shit", "you are the shit", "a b the shit", "a b c the shit",
               "it is the bomb", "that is the bomb!", "a bad ass car", "he is a bad ass", "what a badass",
               "at the bus stop", "wait at the bus stop now", "yeah right", "oh well yeah right",
               "it is the kiss of death", "a kiss of death here", "a cake to die for", "one to die for",
               "my beating heart", "with a beating heart", "cut the mustard", "in the red today",
               "under the weather", "the shit the bomb the shit", "x y z kiss of death a b"],
    "but": ["good but bad", "bad but good", "good but good", "good good but bad bad", "but good",
            "good but", "good but bad but good", "BUT good", "good, but bad", "good but, bad",
            "no good but no bad", "happy happy happy but sad sad", "great but great but great",
            "a good b good but c good d good", "good but kind of good", "not good but not bad"],
    "exclamation": ["good!", "good!!", "good!!!", "good!!!!", "good!!!!!", "good!!!!!!!!", "bad!!!!",
                    "good ! ! ! ! !", "! good", "ok!!!!", "good bad!!!", "good bad bad!!!"],
    "question": ["good?", "good??", "good???", "good????", "good?????", "bad??", "ok??", "good?!?!", "? ? good",
                 "is it good? is it bad? really?"],
    "mixed case": ["GoOd", "gOOD", "Good Bad", "GOOD bad", "gOoD BaD UgLy", "NoT GoOd", "BUT Good Bad"],
    "tokens and punctuation": ["good.", "(good)", "'good'", "\"good\"", "good...", "...good", "go", "ok",
                               ":)good", "good:)", "g00d", "--good--", "good-bad", "good/bad", "#good",
                               "@bad", "a.b.c good", "xx good", "love!!!!!!", "!!!love", "'no'", "no.",
                               "(no) good", "NO!", "lol", "LOL", "lmao", "<3 you", "(-:O", ":-D"],
    "repeated valences": ["good good good", "good good but good good", "sad sad but sad", "good bad good bad",
                          "happy happy, not happy", "great great great great great great"],
}


@pytest.mark.parametrize("rule", list(EDGE_CASES))
def test_identical_on_edge_cases(reference, fast, rule):
    assert_identical(reference, fast, EDGE_CASES[rule])


def test_identical_on_long_sentences(reference, fast):
    rng = random.Random(3)
    words = "the good bad very not no but least kind of so this never without doubt happy sad great".split()
    texts = [" ".join(rng.choice(words) for _ in range(n)) for n in (50, 200, 1000, 3000)]
    texts.append(VADER_DEMO[10] * 40)
    texts.append(" ".join(VADER_DEMO))
    assert_identical(reference, fast, texts)


# --- seeded random sentences from the words the rules react to ---------------------------------------------

RULE_WORDS = (
    list(vader_fast.BOOSTER_DICT) + sorted(vader_fast.NEGATE)
    + "no or nor never so this without doubt least at very kind of sort just enough but".split()
    + "the shit bomb bad ass badass bus stop yeah right kiss death to die for beating heart".split()
    + "cut mustard in red black weather upper hand".split()
)
LEXICON_WORDS = "good bad great horrible love hate happy sad nice ugly killed win lose hope fear".split()
OTHER = ["x", "says", "senate", "ok", "lol", ":)", ":(", ":D", "<3", "!", "?", "!!", "??", "...", "-", "😁",
         "💘", "©", "ΟΔΟΣ", "naïve", "didn't", "wasn’t", "n't", "uh-uh"]


def random_token(rng: random.Random) -> str:
    pool = rng.random()
    word = rng.choice(RULE_WORDS if pool < 0.5 else LEXICON_WORDS if pool < 0.8 else OTHER)
    form = rng.random()
    if form < 0.12:
        word = word.upper()
    elif form < 0.18:
        word = word.title()
    if rng.random() < 0.15:
        word = rng.choice(["", "(", "'", '"', "..."]) + word + rng.choice(["", ",", ".", "!", "?", ")", "!!!"])
    return word


def test_identical_on_random_rule_sentences(reference, fast):
    rng = random.Random(2014)
    texts = []
    for _ in range(20_000):
        tokens = [random_token(rng) for _ in range(rng.randint(1, 14))]
        texts.append("".join(t + rng.choice([" ", " ", " ", "  ", "\t", ""]) for t in tokens))
    assert_identical(reference, fast, texts)


def test_identical_on_random_characters(reference, fast):
    # Tokenising, punctuation stripping, emoji and Unicode case rules (final
    # sigma, dotted I, Kelvin sign, titlecase): short strings of odd characters.
    rng = random.Random(7)
    alphabet = "aoxGOD !?.,'-:)(" + "\u00a0😁©é" + "ΣσςİıKßǅ’\u3000\u200d\ufe0f"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(5_000)]
    texts += ["".join(chr(rng.randint(0x20, 0x2FFF)) if rng.random() < 0.9 else chr(rng.randint(0x1F300, 0x1FAFF))
                      for _ in range(rng.randint(1, 20))) for _ in range(3_000)]
    texts += [f"{a}good{b}" for a in ["", "!", "?!", ":", "'", "(("] for b in ["", "!", "??", ".", ")", "'s"]]
    assert_identical(reference, fast, texts)


# --- the API ---------------------------------------------------------------------------------------------------

def test_polarity_scores_keys_and_fresh_dicts(fast):
    first = fast.polarity_scores("VADER is smart, handsome, and funny.")
    assert list(first) == ["neg", "neu", "pos", "compound"]
    first["compound"] = 99.0
    assert fast.polarity_scores("VADER is smart, handsome, and funny.")["compound"] != 99.0


def test_score_many_columns_and_empty_input(reference, fast):
    out = fast.score_many(pd.Series(["good", "bad", ""]))
    assert out.shape == (3, 4)
    assert out[0].tolist() == [reference.polarity_scores("good")[k] for k in ("compound", "pos", "neu", "neg")]
    assert out[2].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert fast.score_many([]).shape == (0, 4)


def test_non_text_is_a_type_error(fast):
    with pytest.raises(TypeError, match="text must be a str, got float"):
        fast.polarity_scores(float("nan"))
    with pytest.raises(TypeError, match="got NoneType"):
        fast.score_many(["good", None])


def test_caches_are_bounded_and_give_the_same_scores(reference):
    small = FastVader(cache_size=4, token_cache_size=8)
    assert_identical(reference, small, VADER_DEMO * 2)
    assert len(small._low) <= 8 and len(small._memo) <= 4
    small.clear_cache()
    assert not small._low and not small._memo
    assert_identical(reference, small, VADER_DEMO[:5])


def test_reads_the_installed_lexicons(reference, fast):
    assert fast.lexicon == reference.lexicon
    assert fast.emojis == reference.emojis
    assert fast.version == "3.3.2"


def test_ascii_punctuation_is_uncased():
    # The ALL-CAPS rules read the raw token, which equals reading the stripped word
    # only because the characters stripped are uncased.
    assert all(c.upper() == c.lower() == c for c in string.punctuation)


@pytest.mark.parametrize(("text", "valences"), [
    ("The plan was good.", [1.9]),  # "good" in the lexicon
    ("The plan was not good.", [1.9 * vader_fast.N_SCALAR]),  # negated
    ("The plan was very good but the result was awful.", [(1.9 + 0.293) * 0.5, -2.0 * 1.5]),  # booster, "but"
    ("Nothing here.", []),
    ("", []),
])
def test_word_valences_are_the_numbers_vader_sums(fast, reference, text, valences):
    got = fast.word_valences(text)
    np.testing.assert_allclose(got, valences, atol=1e-12)
    # Without ! or ?, compound is VADER's normalisation of their sum (alpha 15), rounded to 4 places.
    total = sum(got)
    assert round(total / np.sqrt(total * total + 15), 4) == reference.polarity_scores(text)["compound"]
    with pytest.raises(TypeError, match="must be a str"):
        fast.word_valences(None)
