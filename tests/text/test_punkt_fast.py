"""``analysis.text.punkt_fast``: the same trained parameters and the same sentence spans as nltk's own Punkt classes.

Every comparison is against nltk's ``PunktTrainer`` and ``PunktSentenceTokenizer``
(with the same language variables) run in the same test, never against numbers written down here: real AllSides
articles (tens of thousands of sentences) and hand-written cases for the rules
Punkt applies (abbreviations, initials, ellipses, numbers, closing quotes) and
for the characters where regex engines disagree (combining marks, CJK).
"""

from __future__ import annotations

import pickle

import pytest
from conftest import allsides_articles

from analysis.text.prepare import _PARAGRAPH, NEWS_ABBREVIATIONS, PunktSentenceSplitter
from analysis.text.punkt_fast import (
    FastPunktSentenceTokenizer,
    FastPunktToken,
    NewsPunktLanguageVars,
    reference_tokenizer,
    train_parameters,
)


def train(texts, *, reference: bool = False):
    return train_parameters(texts, extra_abbreviations=NEWS_ABBREVIATIONS, reference=reference)


def same_params(a, b) -> bool:
    return (a.abbrev_types == b.abbrev_types and a.collocations == b.collocations
            and a.sent_starters == b.sent_starters and dict(a.ortho_context) == dict(b.ortho_context))


def paragraph_spans(tokenizer, texts) -> list:
    return [list(tokenizer.span_tokenize(p.group())) for text in texts for p in _PARAGRAPH.finditer(text)]


@pytest.fixture(scope="module")
def allsides_texts() -> list[str]:
    df = allsides_articles()
    df = df.loc[df["text"].str.len() > 0].sample(n=800, random_state=1)
    return df["text"].tolist()


@pytest.fixture(scope="module")
def reference_params(allsides_texts):
    """nltk's Punkt trained on the AllSides sample: trained once for the module's tests (about 5 s each time)."""
    return train(allsides_texts, reference=True)


@pytest.mark.slow  # trains nltk's and the fast Punkt on the AllSides texts
def test_training_learns_the_same_parameters_as_nltk(allsides_texts, reference_params):
    reference, fast = reference_params, train(allsides_texts)
    assert len(reference.abbrev_types) > len(NEWS_ABBREVIATIONS) and reference.collocations
    assert same_params(reference, fast)


@pytest.mark.slow  # splits the AllSides articles twice
def test_spans_identical_to_nltk_on_allsides_articles(allsides_texts, reference_params):
    params = reference_params
    want = paragraph_spans(reference_tokenizer(params), allsides_texts)
    got = paragraph_spans(FastPunktSentenceTokenizer(params), allsides_texts)
    assert sum(map(len, want)) >= 25_000  # sentences compared
    bad = [i for i, (w, g) in enumerate(zip(want, got)) if w != g]
    assert len(want) == len(got) and not bad, f"{len(bad)} paragraphs split differently, first at {bad[:5]}"


EDGE_CASES = [
    "Mr. Xi met Sen. Rubio in Washington, D.C. on Oct. 9. They talked.",
    "J. R. R. Tolkien wrote it. A. Smith disagreed.",
    "Wait... what? It went on and on.. and on. Then: silence!!! Really?!",
    "Revenue rose 3.5% to $1.2 billion in 2019. Shares fell 2.",
    "“We will respond.” The ministry said so. (Hikvision denied it.) Then it ended.",
    "“Mr. Xi will respond,” it said. ‘Dr. Li agreed.’ „Gen. Wu too.” «St. Paul» was named.",
    "He said \"no.\" She said 'yes.' «Non.» ‘Fine.’ Done.",
    "Cafe\u0301. Nai\u0308ve readers e\u0301. Z\u0327. Then another sentence.",  # combining marks
    "新疆维吾尔自治区。 The U.S. said so. Ürümqi police. Ünal left.",
    "Item no. 5 is here. See p. 3, fig. 2. The end -- or not. ...",
    "The U.S.-China talks ended. U.S. officials left. The e.g. case. i.e. this.",
    "١٢٣. Arabic digits. ²³. Superscripts. 3.2.1. Countdown.",
    "Sources said Mr. Trump issued it. Lt. Gen. Smith and Sens. Rubio and Cotton agreed. Ask Dr. no one.",
    "He bought shares of Apple Inc. Trump said so. She has MS. Trump knew. It is on Main St. Trump lives there.",
    "A sentence without a final period",
    "A headline with trailing spaces   ",
    "Ends with a period.   ",
    "   ",
    "",
]


def test_edge_cases_split_as_nltk_does(allsides_texts):
    params = train(allsides_texts[:200] + EDGE_CASES * 5, reference=True)
    reference, fast = reference_tokenizer(params), FastPunktSentenceTokenizer(params)
    for text in EDGE_CASES:
        assert paragraph_spans(fast, [text]) == paragraph_spans(reference, [text]), text


def test_fast_token_properties_match_nltk():
    from nltk.tokenize.punkt import PunktToken

    for tok in ["U.S.", "...", "3.5", "-2,000.", "J.", "e\u0301.", "Z\u0327", "²", "١٢٣.", "##", "don't", "“We"]:
        ref, fast = PunktToken(tok, parastart=True), FastPunktToken(tok, parastart=True)
        for prop in ("type", "period_final", "parastart", "linestart", "is_number", "first_case", "type_no_period"):
            assert getattr(fast, prop) == getattr(ref, prop), (tok, prop)
        for prop in ("is_ellipsis", "is_initial", "is_alpha", "is_non_punct"):
            assert bool(getattr(fast, prop)) == bool(getattr(ref, prop)), (tok, prop)


def test_fitted_splitter_pickles_for_worker_processes(allsides_texts):
    splitter = PunktSentenceSplitter().fit(allsides_texts[:100])
    clone = pickle.loads(pickle.dumps(splitter))
    assert [clone.spans(t) for t in allsides_texts[:50]] == [splitter.spans(t) for t in allsides_texts[:50]]


def test_whole_texts_and_unrealigned_spans_match_nltk(allsides_texts):
    params = train(allsides_texts[:200], reference=True)
    reference, fast = reference_tokenizer(params), FastPunktSentenceTokenizer(params)
    for text in allsides_texts[:100] + EDGE_CASES:  # whole articles, newlines included
        for realign in (True, False):
            assert list(fast.span_tokenize(text, realign)) == list(reference.span_tokenize(text, realign)), text[:80]


def test_an_abbreviation_after_an_opening_curly_quote_does_not_end_a_sentence(allsides_texts):
    splitter = PunktSentenceSplitter().fit(allsides_texts[:200])
    for quote in ('"', "“", "‘"):
        text = f"The ministry replied. {quote}Mr. Xi will respond to the U.S. move,{quote} it said."
        assert [text[s:e] for s, e in splitter.spans(text)] == [
            "The ministry replied.", f"{quote}Mr. Xi will respond to the U.S. move,{quote} it said."], quote


def _sentences(tokenizer, text: str) -> list[str]:
    return [text[s:e] for s, e in tokenizer.span_tokenize(text)]


def _news_params():
    # What Punkt learns from news copy: "mr" and "inc" are abbreviations and "Trump" often opens a sentence, which
    # is what made nltk break after "Mr." (its frequent-sentence-starter heuristic)
    from nltk.tokenize.punkt import PunktParameters

    params = PunktParameters()
    params.abbrev_types.update({"mr", "mrs", "sen", "gen", "lt", "inc", "ms", "st"})
    params.sent_starters.update({"trump", "he"})
    return params


def test_a_title_before_a_capitalised_word_does_not_end_a_sentence():
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    text = "Sources familiar with the matter said Mr. Trump issued the threat on Friday. He left."
    nltk_sentences = _sentences(PunktSentenceTokenizer(_news_params(), lang_vars=NewsPunktLanguageVars()), text)
    assert nltk_sentences[0] == "Sources familiar with the matter said Mr."  # the fault the rule fixes
    want = ["Sources familiar with the matter said Mr. Trump issued the threat on Friday.", "He left."]
    for tokenizer in (FastPunktSentenceTokenizer(_news_params()), reference_tokenizer(_news_params())):
        assert _sentences(tokenizer, text) == want
    assert _sentences(FastPunktSentenceTokenizer(_news_params()), "Lt. Gen. Trump and Mrs. Trump met Sen. Trump.") \
        == ["Lt. Gen. Trump and Mrs. Trump met Sen. Trump."]


@pytest.mark.parametrize("text, first", [
    ("He bought shares of Apple Inc. Trump said it was a good deal.", "He bought shares of Apple Inc."),
    ("She was diagnosed with MS. Trump said he was sorry.", "She was diagnosed with MS."),  # not written as a title
    ("He lives on Main St. Trump lives elsewhere.", "He lives on Main St."),  # "St." is not a title: a street
    ("They thanked Mr. and Mrs. Smith.", "They thanked Mr. and Mrs. Smith."),  # before a lower-case word: nltk's
])
def test_breaks_after_other_abbreviations_are_nltks(text, first):
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    nltk_sentences = _sentences(PunktSentenceTokenizer(_news_params(), lang_vars=NewsPunktLanguageVars()), text)
    assert nltk_sentences[0] == first
    assert _sentences(FastPunktSentenceTokenizer(_news_params()), text) == nltk_sentences


def test_the_trained_splitter_keeps_a_title_with_its_name(allsides_texts):
    # "He" opens many sentences of the sample, so nltk's rules split before China's vice premier He Lifeng
    splitter = PunktSentenceSplitter().fit(allsides_texts[:200])
    text = "Sources familiar with the matter said Mr. He issued the threat. He bought shares of Apple Inc. He said so."
    assert [text[s:e] for s, e in splitter.spans(text)] == [
        "Sources familiar with the matter said Mr. He issued the threat.", "He bought shares of Apple Inc.",
        "He said so."]


def test_language_variables_compile_each_pattern_once(monkeypatch):
    # nltk keeps the compiled patterns in __slots__; a cache that looked in __dict__ recompiled on every call
    # and halved the splitter's speed without changing a span.
    from analysis.text import punkt_fast

    compiled = []
    real = punkt_fast.regex.compile
    monkeypatch.setattr(punkt_fast.regex, "compile", lambda *a, **k: compiled.append(a[0]) or real(*a, **k))
    lang_vars = punkt_fast.FastPunktLanguageVars()
    for _ in range(3):
        lang_vars.period_context_re()
        lang_vars._word_tokenizer_re()
    assert len(compiled) == 2


@pytest.mark.slow  # splits the AllSides articles twice
def test_memoised_decisions_give_nltks_spans_when_the_memo_fills_and_empties(allsides_texts, reference_params,
                                                                            monkeypatch):
    # The memo keeps each boundary context's decision; emptied every 50 contexts, the spans must not change,
    # and a second pass over the same texts (every decision from the memo) must give them again.
    params = reference_params
    want = paragraph_spans(reference_tokenizer(params), allsides_texts[:300])
    monkeypatch.setattr(FastPunktSentenceTokenizer, "MEMO_SIZE", 50)
    small = FastPunktSentenceTokenizer(params)
    assert paragraph_spans(small, allsides_texts[:300]) == want
    assert 0 < len(small._memo) <= 50
    monkeypatch.undo()
    fast = FastPunktSentenceTokenizer(params)
    assert paragraph_spans(fast, allsides_texts[:300]) == want
    remembered = len(fast._memo)
    assert paragraph_spans(fast, allsides_texts[:300]) == want and len(fast._memo) == remembered


def test_the_memo_is_not_pickled_with_the_splitter(allsides_texts):
    splitter = PunktSentenceSplitter().fit(allsides_texts[:100])
    splitter.spans(" ".join(allsides_texts[:20]))
    assert splitter.tokenizer_._memo
    clone = pickle.loads(pickle.dumps(splitter))
    assert clone.tokenizer_._memo == {}
    assert [clone.spans(t) for t in allsides_texts[:20]] == [splitter.spans(t) for t in allsides_texts[:20]]
