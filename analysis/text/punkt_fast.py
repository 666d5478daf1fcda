"""Punkt with the same splits as nltk's, about 3x faster: no per-call regex guard, plain loops, memoised decisions.

Why this exists: nltk 3.10 routes every regular expression, its own fixed
ones included, through ``nltk.redos``: the third-party ``regex`` engine plus
a wall-clock timeout on every call. That guard is meant for patterns a
caller supplies. Punkt's patterns are fixed, and they ran on the standard
``re`` module in nltk 3.9 and before. Each Punkt candidate boundary makes
several small regex calls, so the guard was the largest single cost of the
prepare stage.

Here the same patterns are compiled with the same ``regex`` engine and the
same flags as nltk does, and called directly: no timeout per call, and no
Python wrapper around each match. Punkt's algorithm and its trained
parameters are nltk's. (The standard ``re`` module would be another 20%
faster, but its word class differs from ``regex``'s on combining marks, so the
splits could differ.) ``tests/text/test_punkt_fast.py`` checks the
spans and the trained parameters against nltk's classes on real articles.

One deliberate difference from nltk's English defaults, made in both the
fast and the reference classes: a word may not start with an opening
typographic quote (“ ‘ „ «), as it already may not start with a straight one.
nltk read “Mr. as the word “mr, not the abbreviation mr, and split
"“Mr. | Xi said" after the period; with a straight quote it did not.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

import regex
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer, PunktToken, PunktTrainer

# The patterns and flags are nltk's (nltk/tokenize/punkt.py).
_NON_PUNCT = regex.compile(r"[^\W\d]")
# What nltk's _get_last_whitespace_index looks for, searched from the end in one call.
_LAST_WHITESPACE = regex.compile("[" + regex.escape(string.whitespace) + "]", regex.REVERSE)


# Titles that stand before a name and, in English news copy, do not end a sentence: lower case, no period, as
# Punkt's abbreviation types. Left out on purpose because they also end sentences: "St." (a street), "Sr."/"Jr."
# (after a name), "Del." (Delaware, and only sometimes a delegate), "No.", "Ret." ("(Ret.)" after a name),
# "Sec." (section, seconds), "Ft." (feet) and every abbreviation that is not a title ("Inc.", "Co.", "U.S.").
TITLES = frozenset({
    "mr", "mrs", "ms", "messrs", "dr", "prof",  # civil and academic: "Mr. Trump", "Dr. Fauci", "Prof. Li"
    "sen", "sens", "rep", "reps", "gov", "govs", "pres", "amb", "atty", "supt", "hon",  # offices: "Sen. Rubio"
    "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt", "brig",  # military ranks: "Gen. Milley"
    "rev", "fr", "msgr",  # clergy: "Rev. Sharpton"
})


class NewsPunktLanguageVars(PunktLanguageVars):
    """nltk's English Punkt language variables; opening typographic quotes do not start a word."""

    _re_word_start = PunktLanguageVars._re_word_start[:-1] + "“‘„«]"


class FastPunktLanguageVars(NewsPunktLanguageVars):
    """:class:`NewsPunktLanguageVars` with the patterns called without the guard."""

    re_boundary_realignment = regex.compile(PunktLanguageVars.re_boundary_realignment.pattern, regex.MULTILINE)

    def _compiled(self, attribute: str, fmt: str, parts):
        # Compiled on first use and kept on the instance, as nltk does: its __getstate__ leaves them out of
        # the pickle that carries a fitted splitter to worker processes. They live in nltk's __slots__, not in
        # __dict__: looking there found nothing and recompiled (a regex cache lookup) on every call. The
        # pattern's parts come from a callable: nltk's are properties that run re.escape, and building them
        # on every call, before finding the compiled pattern, was a tenth of the splitting time.
        pattern = getattr(self, attribute, None)
        if pattern is None:
            pattern = regex.compile(fmt % parts(), regex.UNICODE | regex.VERBOSE)
            setattr(self, attribute, pattern)
        return pattern

    def _word_tokenizer_re(self):
        return self._compiled("_re_word_tokenizer", self._word_tokenize_fmt,
                              lambda: {"NonWord": self._re_non_word_chars, "MultiChar": self._re_multi_char_punct,
                                       "WordStart": self._re_word_start})

    def period_context_re(self):
        return self._compiled("_re_period_context", self._period_context_fmt,
                              lambda: {"NonWord": self._re_non_word_chars, "SentEndChars": self._re_sent_end_chars})


class FastPunktToken(PunktToken):
    """nltk's Punkt token with unguarded patterns and a constructor without the ``setattr`` loop."""

    __slots__ = ()
    _RE_ELLIPSIS = regex.compile(r"\.\.+$")
    _RE_NUMERIC = regex.compile(r"^-?[\.,]?\d[\d,\.-]*\.?$")
    _RE_INITIAL = regex.compile(r"[^\W\d]\.$", regex.UNICODE)
    _RE_ALPHA = regex.compile(r"[^\W\d]+$", regex.UNICODE)

    def __init__(self, tok, parastart=None, linestart=None, sentbreak=None, abbr=None, ellipsis=None):
        self.tok = tok
        self.type = self._RE_NUMERIC.sub("##number##", tok.lower())
        self.period_final = tok.endswith(".")
        self.parastart = parastart
        self.linestart = linestart
        self.sentbreak = sentbreak
        self.abbr = abbr
        self.ellipsis = ellipsis

    @property
    def is_non_punct(self):
        return _NON_PUNCT.search(self.type)


class NewsPunktSentenceTokenizer(PunktSentenceTokenizer):
    """nltk's Punkt tokenizer with one rule added: a title before a capitalised word does not end a sentence."""

    titles: frozenset[str] = TITLES  # a subclass with none splits as nltk does (benchmarks/punkt_titles.py)

    def _second_pass_annotation(self, aug_tok1, aug_tok2):
        # Before nltk's collocation, orthographic and sentence-starter heuristics: the last two break after a
        # known abbreviation when the next word often opens a sentence, and a surname often does ("Trump said").
        # Only a title spelled as titles are, a capital and then lower case ("Mr.", "Sen."): "MS." may be the
        # disease, and "MR." in an all-capitals headline is left to nltk's rules.
        if (aug_tok1.period_final and aug_tok2 is not None and aug_tok1.type[:-1] in self.titles
                and aug_tok2.first_upper and aug_tok1.tok[0].isupper() and aug_tok1.tok[1:-1].islower()):
            aug_tok1.sentbreak = False
            aug_tok1.abbr = True
            return "title before a capitalised word"
        return super()._second_pass_annotation(aug_tok1, aug_tok2)


class FastPunktSentenceTokenizer(NewsPunktSentenceTokenizer):
    """:class:`NewsPunktSentenceTokenizer` on the classes above, its boundary loop written out, its decisions memoised.

    nltk finds the sentences of a text through five nested generators (candidate contexts, slices, pairs,
    first and second annotation passes), and decides each candidate boundary by tokenising and annotating
    its context ("said. The") afresh. Here the same steps run as plain loops, and each context's decision
    is kept: the decision depends only on the context and the trained parameters, and on 3,000 AllSides
    articles a third of the candidate boundaries repeat a context already seen. ``tests/text/test_punkt_fast.py``
    compares every span with nltk's on real articles and on hand-written cases for each rule.
    """

    MEMO_SIZE = 100_000  # contexts kept; the memo is emptied when full (a plain dict is cheaper than an LRU)

    def __init__(self, params):
        super().__init__(params, lang_vars=FastPunktLanguageVars(), token_cls=FastPunktToken)
        self._memo: dict[str, bool] = {}

    def __getstate__(self):
        return {**self.__dict__, "_memo": {}}  # the memo is rebuilt where it is used, not pickled to workers

    def span_tokenize(self, text: str, realign_boundaries: bool = True):
        if not realign_boundaries:
            yield from super().span_tokenize(text, realign_boundaries)
            return
        slices = self._slices(text)
        realignment = self._lang_vars.re_boundary_realignment
        shift, last = 0, len(slices) - 1
        for k, (start, stop) in enumerate(slices):
            start += shift
            if k == last:
                if text[start:stop]:
                    yield (start, stop)
                break
            next_start, next_stop = slices[k + 1]
            m = realignment.match(text[next_start:next_stop])
            if m:  # closing punctuation after the boundary belongs to this sentence
                yield (start, next_start + len(m.group(0).rstrip()))
                shift = m.end()
            else:
                shift = 0
                if text[start:stop]:
                    yield (start, stop)

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """nltk's ``_slices_from_text`` over its ``_match_potential_end_contexts``: (start, stop) pairs."""
        out, last_break = [], 0
        previous, prev_start, prev_stop = None, 0, 0
        for match in self._lang_vars.period_context_re().finditer(text):
            # the word before the candidate starts after the last whitespace since the previous one's word
            # (nltk counts whitespace at offset 0 as none)
            found = _LAST_WHITESPACE.search(text, prev_stop, match.start())
            word_start = found.start() + 1 if found and found.start() > prev_stop else prev_start
            if previous is not None and prev_stop <= word_start:
                last_break = self._boundary(text, previous, prev_start, prev_stop, out, last_break)
            previous, prev_start, prev_stop = match, word_start, match.start()
        if previous is not None:
            last_break = self._boundary(text, previous, prev_start, prev_stop, out, last_break)
        out.append((last_break, len(text.rstrip())))
        return out

    def _boundary(self, text, match, word_start, word_stop, out, last_break) -> int:
        context = text[word_start:word_stop] + match.group() + match.group("after_tok")
        if not self._breaks(context):
            return last_break
        out.append((last_break, match.end()))
        return match.start("next_tok") if match.group("next_tok") else match.end()

    def _breaks(self, context: str) -> bool:
        """nltk's ``text_contains_sentbreak``: whether a token before the context's last is a sentence break."""
        found = self._memo.get(context)
        if found is None:
            tokens = list(self._tokenize_words(context))
            for token in tokens:
                self._first_pass_annotation(token)
            found = False
            # The second pass changes only its first token and reads the first-pass marks of the next,
            # so stopping at the first break decides as nltk's lazy generators do.
            for token, following in zip(tokens, tokens[1:]):
                self._second_pass_annotation(token, following)
                if token.sentbreak:
                    found = True
                    break
            if len(self._memo) >= self.MEMO_SIZE:
                self._memo.clear()
            self._memo[context] = found
        return found


def train_parameters(texts: Iterable[str], *, extra_abbreviations: Iterable[str] = (),
                     reference: bool = False) -> PunktParameters:
    """Punkt's unsupervised parameters learned from ``texts``, plus ``extra_abbreviations`` (lower case, no period).

    ``reference=True`` trains with nltk's own classes; tests and benchmarks compare the two.
    """
    classes = ({"lang_vars": NewsPunktLanguageVars()} if reference else
               {"lang_vars": FastPunktLanguageVars(), "token_cls": FastPunktToken})
    trainer = PunktTrainer(**classes)
    for text in texts:
        trainer.train(text, finalize=False)
    trainer.finalize_training()
    params = trainer.get_params()
    params.abbrev_types.update(a.lower() for a in extra_abbreviations)
    return params


def reference_tokenizer(params: PunktParameters) -> PunktSentenceTokenizer:
    """nltk's own tokenizer with the same language variables and title rule, for tests and benchmarks."""
    return NewsPunktSentenceTokenizer(params, lang_vars=NewsPunktLanguageVars())
