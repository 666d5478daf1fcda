"""VADER sentence scores, several times faster, with exactly vaderSentiment 3.3.2's numbers.

VADER is Hutto & Gilbert (2014), "VADER: A Parsimonious Rule-based Model for
Sentiment Analysis of Social Media Text", ICWSM-14. The rules below are a
re-implementation of ``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer``
from the vaderSentiment package 3.3.2 (C.J. Hutto, MIT licence), and the
lexicons are read from that installed wheel, never copied.

The goal is identical output, not a better VADER: every quirk of 3.3.2 is kept
and marked ``Quirk:``. ``tests/sentiment/test_vader_fast.py`` proves the identity
(bit-for-bit equal floats for all four scores, signed zeros included) on tens of
thousands of real AllSides news sentences and on hand-written cases for every
rule; ``benchmarks/vader_speed.py`` measures the speed-up.

Where the original spends its time (cProfile on 10,000 AllSides sentences,
46 µs each unprofiled): the per-character emoji loop, which rebuilds every
sentence by string concatenation (8 µs a sentence, ASCII or not);
``_negation_check`` (27% of the profile), which lowercases the whole sentence
into a new list three times for every lexicon word, plus ``negated``;
``sentiment_valence`` and the main loop, called for every word and
lowercasing each one several times (2.4 million ``str.lower`` calls in all);
``_special_idioms_check`` (9%, another whole-sentence lowercase list and five
string formats per lexicon word); and tokenising (9%). A news sentence has
about 20 words but only about one lexicon word, so nearly all of that work is
on words that score 0.

Here: a sentence with no non-ASCII character skips the emoji step, and
otherwise one set test finds whether it has an emoji at all; each distinct
token is stripped and lowercased once (cached); a sentence without lexicon
words is answered after one pass over its words; the rules run only at
lexicon words, on one lowercase list; the idiom strings are built only when a
key's first two words are there; and whole-sentence results are memoised,
because news copy repeats sentences (about 9% of AllSides sentences).
``benchmarks/vader_speed.py`` measures 4.3-4.6x on a cold sample of 30,000
AllSides sentences (about 10.5 µs a sentence) and about 5x once the token
cache is warm.
"""

from __future__ import annotations

import re
import string
import warnings
from collections.abc import Iterable
from importlib import metadata, resources
from itertools import compress
from math import fabs, sqrt

import numpy as np

REFERENCE_VERSION = "3.3.2"

# Constants and word lists as in vaderSentiment 3.3.2.
B_INCR = 0.293
B_DECR = -0.293
C_INCR = 0.733
N_SCALAR = -0.74

NEGATE = frozenset([
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
    "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
    "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
    "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
    "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
    "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
    "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
    "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite"])

BOOSTER_DICT = {
    "absolutely": B_INCR, "amazingly": B_INCR, "awfully": B_INCR,
    "completely": B_INCR, "considerable": B_INCR, "considerably": B_INCR,
    "decidedly": B_INCR, "deeply": B_INCR, "effing": B_INCR, "enormous": B_INCR, "enormously": B_INCR,
    "entirely": B_INCR, "especially": B_INCR, "exceptional": B_INCR, "exceptionally": B_INCR,
    "extreme": B_INCR, "extremely": B_INCR,
    "fabulously": B_INCR, "flipping": B_INCR, "flippin": B_INCR, "frackin": B_INCR, "fracking": B_INCR,
    "fricking": B_INCR, "frickin": B_INCR, "frigging": B_INCR, "friggin": B_INCR, "fully": B_INCR,
    "fuckin": B_INCR, "fucking": B_INCR, "fuggin": B_INCR, "fugging": B_INCR,
    "greatly": B_INCR, "hella": B_INCR, "highly": B_INCR, "hugely": B_INCR,
    "incredible": B_INCR, "incredibly": B_INCR, "intensely": B_INCR,
    "major": B_INCR, "majorly": B_INCR, "more": B_INCR, "most": B_INCR, "particularly": B_INCR,
    "purely": B_INCR, "quite": B_INCR, "really": B_INCR, "remarkably": B_INCR,
    "so": B_INCR, "substantially": B_INCR,
    "thoroughly": B_INCR, "total": B_INCR, "totally": B_INCR, "tremendous": B_INCR, "tremendously": B_INCR,
    "uber": B_INCR, "unbelievably": B_INCR, "unusually": B_INCR, "utter": B_INCR, "utterly": B_INCR,
    "very": B_INCR,
    "almost": B_DECR, "barely": B_DECR, "hardly": B_DECR, "just enough": B_DECR,
    "kind of": B_DECR, "kinda": B_DECR, "kindof": B_DECR, "kind-of": B_DECR,
    "less": B_DECR, "little": B_DECR, "marginal": B_DECR, "marginally": B_DECR,
    "occasional": B_DECR, "occasionally": B_DECR, "partly": B_DECR,
    "scarce": B_DECR, "scarcely": B_DECR, "slight": B_DECR, "slightly": B_DECR, "somewhat": B_DECR,
    "sort of": B_DECR, "sorta": B_DECR, "sortof": B_DECR, "sort-of": B_DECR}

SPECIAL_CASES = {"the shit": 3, "the bomb": 3, "bad ass": 1.5, "badass": 1.5, "bus stop": 0.0,
                 "yeah right": -2, "kiss of death": -1.5, "to die for": 3, "beating heart": 3.5}

# Quirk: 3.3.2 defines SENTIMENT_LADEN_IDIOMS and _sentiment_laden_idioms_check
# ("future work") but never calls them, so they have no effect and are left out.

# Quirk: the multi-word BOOSTER_DICT keys ("kind of", "sort of", "just
# enough") can never match a single token; they act only through the idiom
# check's bigrams, and "kind" + "of" has its own rule.


def _key_starts() -> dict[str, frozenset[str]]:
    """First word -> possible second words, over the multi-word SPECIAL_CASES and BOOSTER_DICT keys.

    The idiom check can change a valence only if two adjacent words around the
    lexicon word start such a key, so its string building is skipped unless one
    of these bigrams is there. Quirk: the one-word key "badass" can never
    match, because the original only looks up space-joined sequences of two or
    three words.
    """
    starts: dict[str, set[str]] = {}
    for key in (*SPECIAL_CASES, *BOOSTER_DICT):
        words = key.split(" ")
        if len(words) > 1:
            starts.setdefault(words[0], set()).add(words[1])
    return {first: frozenset(seconds) for first, seconds in starts.items()}


_KEY_STARTS = _key_starts()
_NO_WORDS: frozenset[str] = frozenset()
_PUNCTUATION = string.punctuation
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ANY_CHAR = re.compile(r"(?s).")


def _read_package_text(name: str) -> str:
    # codecs.open in the original reads bytes and decodes them with no newline
    # translation; bytes.decode does the same.
    return (resources.files("vaderSentiment") / name).read_bytes().decode("utf-8")


def _make_lex_dict(text: str) -> dict[str, float]:
    lex = {}
    for line in text.rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lex[word] = float(measure)
    return lex


def _make_emoji_dict(text: str) -> dict[str, str]:
    emojis = {}
    for line in text.rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return emojis


def _strip_punc_if_word(token: str) -> str:
    stripped = token.strip(_PUNCTUATION)
    # Short results were probably emoticons (":)" strips to ""), so keep the token.
    if len(stripped) <= 2:
        return token
    return stripped


class FastVader:
    """Drop-in for ``SentimentIntensityAnalyzer().polarity_scores`` with identical scores.

    Parameters
    ----------
    cache_size : int, default 65536
        Sentences whose scores are memoised (the memo is emptied when full; at
        most about 25 MB); 0 turns memoisation off. About 9% of AllSides
        sentences repeat ("Advertisement", bylines, copyright lines).
    token_cache_size : int, default 200000
        Distinct tokens whose stripped, lowercased form is kept (about 25 MB
        when full); the table is emptied when it grows past this, which bounds
        memory on any corpus.

    Attributes
    ----------
    lexicon : dict
        Word to valence, parsed exactly as vaderSentiment parses ``vader_lexicon.txt``.
    emojis : dict
        Emoji to description, from ``emoji_utf8_lexicon.txt``.
    version : str
        The installed vaderSentiment version.
    """

    def __init__(self, *, cache_size: int = 65536, token_cache_size: int = 200_000):
        self.cache_size = cache_size
        self.token_cache_size = token_cache_size
        self.version = metadata.version("vaderSentiment")
        if self.version != REFERENCE_VERSION:
            warnings.warn(f"vaderSentiment {self.version} is installed; FastVader reproduces "
                          f"{REFERENCE_VERSION} and is proven identical only to it", stacklevel=2)
        self.lexicon = _make_lex_dict(_read_package_text("vader_lexicon.txt"))
        self.emojis = _make_emoji_dict(_read_package_text("emoji_utf8_lexicon.txt"))
        # Booster words are scored 0 before the lexicon is consulted, so a token
        # needs the rules only if it is in the lexicon and not a booster.
        self._scored = frozenset(self.lexicon.keys() - BOOSTER_DICT.keys())
        # The original walks the text one code point at a time, so only
        # one-character keys can ever match; the 2,358 multi-character keys
        # (flags, skin tones, ZWJ sequences) never do.
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
        # A regex character class of 1,212 emoji crawls (about 130 µs a
        # sentence), so the few non-ASCII characters are picked out first and
        # tested with one set operation. If an emoji key were ever ASCII, every
        # character is tested instead.
        if any(c.isascii() for c in self._emoji_chars):
            self._candidates = _ANY_CHAR
        else:
            self._candidates = _NON_ASCII
        self._low = _LowerWords(token_cache_size)
        self._lower_token = self._low.__getitem__
        self._is_scored = self._scored.__contains__
        # A plain dict emptied when full, not functools.lru_cache: its
        # bookkeeping cost more per new sentence than repeats saved.
        self._memo: dict[str, tuple[float, float, float, float]] = {}

    def polarity_scores(self, text: str) -> dict[str, float]:
        """``{"neg", "neu", "pos", "compound"}``, the same dict vaderSentiment returns."""
        compound, pos, neu, neg = self._score_texts([text])[0]
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def score_many(self, texts: Iterable[str]) -> np.ndarray:
        """Scores of each text as an ``(n, 4)`` float array: compound, pos, neu, neg."""
        return np.array(self._score_texts(texts), dtype=float).reshape(-1, 4)

    def clear_cache(self) -> None:
        """Forget memoised sentences and tokens (benchmarks time cold runs with it)."""
        self._memo.clear()
        self._low.clear()

    # -- internals ---------------------------------------------------------

    def _score_texts(self, texts: Iterable[str]) -> list[tuple[float, float, float, float]]:
        memo, score, size = self._memo, self._scores, self.cache_size
        rows = []
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"text must be a str, got {type(text).__name__}")
            row = memo.get(text)
            if row is None:
                row = score(text)
                if size:
                    if len(memo) >= size:
                        memo.clear()
                    memo[text] = row
            rows.append(row)
        return rows

    def _describe_emoji(self, match: re.Match) -> str:
        char = match.group()
        description = self.emojis.get(char)
        if description is None:
            return char
        # The original puts a space before a description unless it is the first
        # character or follows a plain space (a previous emoji counts as not a
        # space), and never puts one after it.
        # Quirk: so "💘x" becomes "heart with arrowx".
        p = match.start()
        if p and match.string[p - 1] != " ":
            return " " + description
        return description

    def _scores(self, text: str) -> tuple[float, float, float, float]:
        text, tokens, low, hits = self._prepare(text)
        if not tokens:
            return 0.0, 0.0, 0.0, 0.0
        if not hits:
            # Every word scores int 0: compound 0, neutral 1, whatever the punctuation.
            return 0.0, 0.0, 1.0, 0.0
        return _score_valence(self._sentiments(tokens, low, hits), hits, text)

    def _prepare(self, text: str) -> tuple[str, list[str], list[str], list[int]]:
        """(text with emoji described and stripped, its tokens, their lower-cased words, lexicon positions)."""
        if not text.isascii() or self._candidates is _ANY_CHAR:
            if not self._emoji_chars.isdisjoint(self._candidates.findall(text)):
                text = self._candidates.sub(self._describe_emoji, text)
        text = text.strip()
        tokens = text.split()
        low = list(map(self._lower_token, tokens))
        hits = list(compress(range(len(tokens)), map(self._is_scored, low)))
        return text, tokens, low, hits

    def word_valences(self, text: str) -> list[float]:
        """The valence VADER gives each lexicon word of ``text``, in order, after its rules.

        Boosters, negation, capitals, idioms and the "but" rule applied: the
        numbers whose sum (plus punctuation emphasis) VADER normalises into
        ``compound``. A word the rules set to 0 is kept as 0.
        """
        return [valence for _, valence in self.scored_words(text)]

    def scored_words(self, text: str) -> list[tuple[str, float]]:
        """``(lower-cased lexicon word, valence after the rules)`` for each lexicon word of ``text``, in order."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        _, tokens, low, hits = self._prepare(text)
        if not hits:
            return []
        sentiments = self._sentiments(tokens, low, hits)
        return [(low[i], float(sentiments[i])) for i in hits]

    def _sentiments(self, tokens: list[str], low: list[str], hits: list[int]) -> list:
        # The rules of SentimentIntensityAnalyzer.sentiment_valence, run only at
        # the words that can score; every other word scores int 0 there.
        lexicon = self.lexicon
        n = len(tokens)
        last = n - 1
        sentiments: list = [0] * n
        cap_diff = None
        for i in hits:
            item_lowercase = low[i]
            if item_lowercase == "kind" and i < last and low[i + 1] == "of":
                continue
            p1 = low[i - 1] if i > 0 else None
            p2 = low[i - 2] if i > 1 else None
            p3 = low[i - 3] if i > 2 else None
            valence = lexicon[item_lowercase]
            # "no" next to a lexicon word negates it instead of scoring itself.
            if item_lowercase == "no" and i != last and low[i + 1] in lexicon:
                valence = 0.0
            if p1 == "no" or p2 == "no" or (p3 == "no" and (p1 == "or" or p1 == "nor")):
                valence = lexicon[item_lowercase] * N_SCALAR
            # Stripping removes only ASCII punctuation, which is uncased, so a
            # raw token is ALL CAPS exactly when its stripped word is.
            if tokens[i].isupper():
                if cap_diff is None:
                    cap_diff = _cap_differential(tokens)
                if cap_diff:
                    if valence > 0:
                        valence += C_INCR
                    else:
                        valence -= C_INCR

            # The three preceding words, each skipped if it is itself a lexicon
            # word: boosters (damped by distance), then negation. Adding s = 0.0
            # is kept because it turns a -0.0 valence into 0.0 as the original
            # does. The original's ``negated`` lowercases the (already lowercase)
            # word again; so does this, so no Unicode corner case can differ.
            if p1 is not None and p1 not in lexicon:
                s = 0.0
                if p1 in BOOSTER_DICT:
                    s = _booster(p1, tokens[i - 1], valence, cap_diff, tokens)
                valence = valence + s
                if (w := p1.lower()) in NEGATE or "n't" in w:
                    valence = valence * N_SCALAR
            if p2 is not None and p2 not in lexicon:
                s = 0.0
                if p2 in BOOSTER_DICT:
                    s = _booster(p2, tokens[i - 2], valence, cap_diff, tokens) * 0.95
                valence = valence + s
                if p2 == "never" and (p1 == "so" or p1 == "this"):
                    valence = valence * 1.25
                elif p2 == "without" and p1 == "doubt":
                    pass
                elif (w := p2.lower()) in NEGATE or "n't" in w:
                    valence = valence * N_SCALAR
            if p3 is not None and p3 not in lexicon:
                s = 0.0
                if p3 in BOOSTER_DICT:
                    s = _booster(p3, tokens[i - 3], valence, cap_diff, tokens) * 0.9
                valence = valence + s
                # Quirk: operator precedence makes any "so"/"this" right before
                # the word amplify it, with or without "never" three words back.
                if p3 == "never" and (p2 == "so" or p2 == "this") or (p1 == "so" or p1 == "this"):
                    valence = valence * 1.25
                elif p3 == "without" and (p2 == "doubt" or p1 == "doubt"):
                    pass
                elif (w := p3.lower()) in NEGATE or "n't" in w:
                    valence = valence * N_SCALAR
                if (p2 in _KEY_STARTS.get(p3, _NO_WORDS) or p1 in _KEY_STARTS.get(p2, _NO_WORDS)
                        or item_lowercase in _KEY_STARTS.get(p1, _NO_WORDS)
                        or (i < last and low[i + 1] in _KEY_STARTS.get(item_lowercase, _NO_WORDS))):
                    valence = _special_idioms_check(valence, low, i)

            # "least" negates, except in "at least" and "very least".
            if p1 == "least" and p1 not in lexicon:
                if i > 1:
                    if p2 != "at" and p2 != "very":
                        valence = valence * N_SCALAR
                else:
                    valence = valence * N_SCALAR
            sentiments[i] = valence

        if "but" in low:
            _but_check(low, sentiments)
        return sentiments


class _LowerWords(dict):
    """Token -> its punctuation-stripped, lowercased word, filled on first sight."""

    def __init__(self, max_size: int):
        super().__init__()
        self.max_size = max_size

    def __missing__(self, token: str) -> str:
        if len(self) >= self.max_size:
            self.clear()
        word = _strip_punc_if_word(token).lower()
        # Most tokens are already bare lowercase words: keep one string, not two.
        if word == token:
            word = token
        self[token] = word
        return word


def _cap_differential(tokens: list[str]) -> bool:
    # True when some but not all words are ALL CAPS.
    allcap_words = sum(map(str.isupper, tokens))
    return 0 < len(tokens) - allcap_words < len(tokens)


def _booster(word_lower: str, word: str, valence: float, cap_diff: bool | None, tokens: list[str]) -> float:
    # scalar_inc_dec for a word known to be in BOOSTER_DICT.
    scalar = BOOSTER_DICT[word_lower]
    if valence < 0:
        scalar *= -1
    if word.isupper() and (cap_diff if cap_diff is not None else _cap_differential(tokens)):
        # Quirk: a zero valence counts as negative here.
        if valence > 0:
            scalar += C_INCR
        else:
            scalar -= C_INCR
    return scalar


def _special_idioms_check(valence: float, low: list[str], i: int) -> float:
    # Quirk: runs only for a lexicon word at index > 2 whose third preceding
    # word is not in the lexicon, so "the shit" at the start of a sentence is
    # never a special case; a later match overrides an earlier one, and the
    # "kind of"/"sort of" bigram adds B_DECR without the sign flip boosters get.
    onezero = f"{low[i - 1]} {low[i]}"
    twoonezero = f"{low[i - 2]} {low[i - 1]} {low[i]}"
    twoone = f"{low[i - 2]} {low[i - 1]}"
    threetwoone = f"{low[i - 3]} {low[i - 2]} {low[i - 1]}"
    threetwo = f"{low[i - 3]} {low[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(low) - 1 > i:
        zeroone = f"{low[i]} {low[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(low) - 1 > i + 1:
        zeroonetwo = f"{low[i]} {low[i + 1]} {low[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _but_check(low: list[str], sentiments: list) -> None:
    # Quirk: the original finds each score again with list.index, so a score
    # equal to an earlier one (any two zeros, two words of the same valence)
    # rescales the earlier position, possibly twice, and leaves its own alone.
    # The same loop over the same list reproduces that exactly.
    bi = low.index("but")
    for sentiment in sentiments:
        si = sentiments.index(sentiment)
        if si < bi:
            sentiments[si] = sentiment * 0.5
        elif si > bi:
            sentiments[si] = sentiment * 1.5


def _score_valence(sentiments: list, hits: list[int], text: str) -> tuple[float, float, float, float]:
    # sum() over the whole list, int zeros included, so the float result is
    # the original's on any Python version (3.12 changed how sum adds floats).
    sum_s = float(sum(sentiments))
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count > 1:
        if qm_count <= 3:
            qm_amplifier = qm_count * 0.18
        else:
            qm_amplifier = 0.96
    punct_emph_amplifier = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    # normalize(score, alpha=15), inlined.
    compound = sum_s / sqrt((sum_s * sum_s) + 15)
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0

    # Non-zero scores sit only at the lexicon words (the "but" rule moves a
    # score only onto an equal one), and zeros add nothing to either sum, so
    # summing at those positions, in order, gives the original's floats.
    pos_sum = 0.0
    neg_sum = 0.0
    n_pos_neg = 0
    for i in hits:
        sentiment_score = sentiments[i]
        if sentiment_score > 0:
            pos_sum += (float(sentiment_score) + 1)
            n_pos_neg += 1
        elif sentiment_score < 0:
            neg_sum += (float(sentiment_score) - 1)
            n_pos_neg += 1
    neu_count = len(sentiments) - n_pos_neg

    if pos_sum > fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < fabs(neg_sum):
        neg_sum -= punct_emph_amplifier

    total = pos_sum + fabs(neg_sum) + neu_count
    pos = fabs(pos_sum / total)
    neg = fabs(neg_sum / total)
    neu = fabs(neu_count / total)
    return round(compound, 4), round(pos, 3), round(neu, 3), round(neg, 3)
