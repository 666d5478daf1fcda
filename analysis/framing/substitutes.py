"""Candidate labels by substitution and naming evidence: the words outlets put where others put a known label.

:func:`labels.discover_labels` ranks every n-gram by how much its context looks like the known labels'
context, which on real coverage ranks the topic's other nouns first ("Xinjiang", "the far western region",
"North Korea"): they share the sentences but do not *name* the referent. A label the study did not list shows
itself in ways a co-occurring topic word does not, and each is a separate piece of evidence here:

* substitution: it fills the same syntactic slot as a known label (the words right before and after it, as
  well as the wider window), measured as the cosine of tf-idf context vectors reduced by truncated SVD so that
  slots that are alike but not identical still count;
* naming constructions: it is tied to a known mention by a parenthesis, an apposition with a determiner, or a
  naming verb in between ("re-education camps, which Beijing calls vocational training centers", "what China
  calls ...", "so-called ..."), or it is an acronym defined in the text right after a known mention ("the
  Chinese Communist Party (CCP)");
* lexical kinship: it keeps a word of a known label and changes another ("chinese regime" beside "chinese
  government"), or is a spelling variant of one ("uyghurs" beside "uighurs");
* group separation: one group's articles use it far more than the rest's, stably over bootstrap resamples of
  articles (a label that splits outlets is what word-choice analysis is for).

The score multiplies substitution by one plus the other evidence, each capped, so evidence lifts a
substitute but never a word whose contexts are unlike the known labels'. No label list is built in: the rules
read the referent's known labels and the corpus only.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.core import patterns, tables
from analysis.framing.labels import _STOP, _TOKEN, Referent, _context, _form_pattern, _identity, _inside, validate

# Words between a known mention and a candidate that make the pair a naming: "X, which Beijing calls Y",
# "Y, as China calls X", "X, known as Y", "so-called Y", "depicts the camps as Y", "camps China says are Y".
# Verbs of naming in English, not a list of labels.
_NAMING = re.compile(r"\b(?:call(?:s|ed|ing)?|dub(?:s|bed)?|term(?:s|ed)?|known as|so-called|describ(?:e|es|ed|ing) "
                     r"(?:them |it )?as|refer(?:s|red)? to (?:them |it )?as|label(?:s|ed|led)?|euphemis\w*|name[ds]?"
                     r"|aka|also|says? (?:they |it )?(?:are|is))\b|^\s*as\b", re.IGNORECASE)
# A parenthesis, or an apposition that starts with a determiner ("camps, the facilities"): a comma alone
# mostly joins a list of different things ("Uighurs, Kazakhs and other minorities").
_APPOSITION = re.compile(r"^\s*(?:\(\s*$|,\s*(?:the|a|an|these|those|its|their)\s*$|[\"“”‘’']\s*$)", re.IGNORECASE)
_GAP = 8  # words at most between a known mention and a candidate it names
_MAX_OCC = 300  # occurrences read per candidate for its context (the first ones): enough for a stable vector
_POOL = 500  # candidates most like the known labels whose group separation is resampled
_VARIANT = 0.8  # difflib ratio above which two different words are spellings of one ("uighur", "uyghur")


def _acronym(word: str, before: list[str]) -> bool:
    """Whether ``word`` (as written) is the initials of the words right before it: "Chinese Communist Party (CCP)"."""
    letters = word.removesuffix("s").lower()
    return (word.removesuffix("s").isupper() and 2 <= len(letters) <= 6 and len(before) >= len(letters)
            and "".join(w[0] for w in before[-len(letters):]).lower() == letters)


def _kin(gram: tuple[str, ...], known_words: set[str], known_surfaces: set[tuple[str, ...]]) -> bool:
    """Keeps a word of a known label and swaps another, or spells a known word another way."""
    if any(len(s) > 1 and len(gram) == len(s) and sum(a == b for a, b in zip(gram, s)) == len(s) - 1
           for s in known_surfaces):
        return True
    return any(w not in known_words and w not in _STOP and len(w) > 3 and any(_spelling(w, k) for k in known_words)
               for w in gram)


def _spelling(w: str, k: str) -> bool:
    """Two spellings of one word: alike (difflib ratio), the same first letter, and the same last letter or one
    letter added ("uighur"/"uyghur", "centers"/"centres", "kazak"/"kazakh"); look-alike words mostly differ at an
    end ("community"/"communist")."""
    return (w[0] == k[0] and abs(len(w) - len(k)) <= 1 and (w[-1] == k[-1] or w.startswith(k) or k.startswith(w))
            and difflib.SequenceMatcher(None, w, k).ratio() >= _VARIANT)


def _bootstrap_stability(used: list[set[str]], doc_group: pd.Series, best: list[str], *, n_boot: int,
                         seed: int) -> np.ndarray:
    """Share of article resamples in which the candidate's top group still uses it more than the rest does."""
    docs = doc_group.index.to_numpy()
    groups = doc_group.to_numpy()
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(docs), size=(n_boot, len(docs)))
    weight = np.stack([np.bincount(d, minlength=len(docs)) for d in draws]).astype(float)  # (boot, docs)
    pos = {d: i for i, d in enumerate(docs)}
    out = np.zeros(len(used))
    for k, (u, g) in enumerate(zip(used, best)):
        use = np.zeros(len(docs))
        use[[pos[d] for d in u if d in pos]] = 1.0
        in_g = groups == g
        n_g, n_r = weight[:, in_g].sum(1), weight[:, ~in_g].sum(1)
        share_g = (weight[:, in_g] * use[in_g]).sum(1) / np.maximum(n_g, 1)
        share_r = (weight[:, ~in_g] * use[~in_g]).sum(1) / np.maximum(n_r, 1)
        out[k] = float(np.mean(share_g > share_r))
    return out


def _parse(sentences: pd.DataFrame, known: pd.DataFrame):
    """Every sentence once (a sentence scraped twice into one article is read once), known-label tokens marked.

    All articles, not only those that name the referent: an outlet that writes its own label may never
    write a known one, and its articles are where that label is.

    A known label's head noun written alone in lower case ("the camps" after "re-education camps", "the
    party") is marked too, as a shortened reference to the referent: it ties naming constructions ("camps
    that the government describes as ...") and marks its sentence as near the referent, but it is neither
    masked nor read as a known label's context. A capitalised head ("China") is a name of something else.
    """
    heads = {m.split()[-1].lower() for m in known["matched"] if len(m.split()) > 1}
    spans = defaultdict(list)
    for doc, sent, label, start, end in zip(known["doc_id"], known["sent_id"], known["label"], known["start"],
                                            known["end"]):
        spans[(doc, int(sent))].append((int(start), int(end), label))
    near = {(d, s + k) for d, s in spans for k in (0, 1)}  # a mention's sentence and the next (a later "the camps")
    parsed, seen = [], set()
    for doc, sent, text in zip(sentences["doc_id"], sentences["sent_id"], sentences["text"]):
        if (doc, text) in seen:
            continue
        seen.add((doc, text))
        toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        marks = [(label, [k for k, (_, ts, te) in enumerate(toks) if s < te and ts < e])
                 for s, e, label in spans.get((doc, int(sent)), [])]
        in_label = [False] * len(toks)
        for k in (k for _, idx in marks for k in idx):
            in_label[k] = True
        short = [(None, k, k + 1) for k, (w, _, _) in enumerate(toks) if not in_label[k] and w in heads]
        parsed.append(dict(doc=doc, key=f"{doc}#{sent}", text=text, toks=toks, words=[t[0].lower() for t in toks],
                           in_label=in_label, marks=[(lab, idx[0], idx[-1] + 1) for lab, idx in marks if idx],
                           short=short, near=(doc, int(sent)) in near or bool(short)))
    return parsed


def _slot(words: list[str], i: int, j: int) -> tuple[str, str]:
    return words[i - 1] if i else "<s>", words[j] if j < len(words) else "</s>"


def _spans(words: list[str], in_label: list[bool], max_n: int, firsts: set[str] | None = None):
    """(i, j) of the n-grams of up to ``max_n`` words that touch no known-label match, starting in ``firsts``."""
    for i in range(len(words)):
        if firsts is not None and words[i] not in firsts:
            continue
        for j in range(i + 1, min(i + max_n, len(words)) + 1):
            if in_label[j - 1]:
                break
            yield i, j


def _naming_links(p: dict, max_n: int):
    """(gram, kind) for each n-gram tied to a known mention of the sentence by a naming construction."""
    toks, words, text, in_label = p["toks"], p["words"], p["text"], p["in_label"]
    for _, i, j in p["marks"] + p["short"]:
        # an acronym defined right after the mention: "the Chinese Communist Party (CCP)"
        if j < len(toks) and text[toks[j - 1][2]:toks[j][1]].strip() == "(" and _acronym(
                toks[j][0], [t[0] for t in toks[i:j]]):
            yield (words[j],), "acronym"
        for a in range(max(0, i - _GAP - max_n), min(len(toks), j + _GAP)):
            for b in range(a + 1, min(a + max_n, len(toks)) + 1):
                if any(in_label[a:b]) or (a < j and b > i):
                    break
                gap = text[toks[b - 1][2]:toks[i][1]] if b <= i else text[toks[j - 1][2]:toks[a][1]]
                if len(gap.split()) <= _GAP and (_APPOSITION.match(gap) or _NAMING.search(gap)):
                    yield tuple(words[a:b]), "naming"


def _features(sentences: pd.DataFrame, mentions: pd.DataFrame, *, referent: Referent, articles: pd.DataFrame | None,
              by: str, min_articles: int, window: int, max_n: int, n_components: int, n_boot: int,
              seed: int) -> tuple[pd.DataFrame, list[dict]]:
    """One row per candidate n-gram: its evidence, before the evidence is combined into a score."""
    known = mentions.loc[mentions["referent"] == referent.name]
    parsed = _parse(sentences, known)
    forms = [patterns.compile_pattern(_form_pattern(f), ignore_case=True) for fs in referent.labels.values() for f in fs]
    label_ctx, occurrences, links = defaultdict(list), defaultdict(list), defaultdict(lambda: defaultdict(set))
    surfaces = set()
    for k, p in enumerate(parsed):
        words, in_label = p["words"], p["in_label"]
        for label, i, j in p["marks"]:
            label_ctx[label] += _context(words, in_label, i, j, window)
            surfaces.add(tuple(words[i:j]))
        for gram, kind in _naming_links(p, max_n):
            links[gram][kind].add(p["doc"])
        if p["near"]:  # candidates come from the referent's sentences ...
            for i, j in _spans(words, in_label, max_n):
                occurrences[tuple(words[i:j])] = []
    # ... or fill a known mention's slot anywhere (same word before and after): a label one side writes in
    # articles that never name the referent otherwise
    slots = {_slot(p["words"], i, j) for p in parsed for _, i, j in p["marks"]}
    for p in parsed:
        for i, j in _spans(p["words"], p["in_label"], max_n):
            if _slot(p["words"], i, j) in slots:
                occurrences.setdefault(tuple(p["words"][i:j]), [])
    # ... and are then counted everywhere; only n-grams starting with a candidate's first word are looked up
    firsts = {g[0] for g in occurrences}
    for k, p in enumerate(parsed):
        words, in_label = p["words"], p["in_label"]
        for i, j in _spans(words, in_label, max_n, firsts):
            if (g := tuple(words[i:j])) in occurrences:
                occurrences[g].append((k, i, j))
    known_words = {w for s in surfaces for w in s}

    def usable(g: tuple[str, ...], occ: list) -> bool:
        return (g[0] not in _STOP and g[-1] not in _STOP and all(any(c.isalpha() for c in w) for w in g)
                and len({parsed[k]["doc"] for k, _, _ in occ}) >= min_articles
                and not any(patterns.fullmatch(p, " ".join(g), owner=f"referent {referent.name!r}") for p in forms))

    grams = [g for g, occ in occurrences.items() if usable(g, occ)]
    labels = [lab for lab in referent.labels if label_ctx[lab]]
    if not labels or not grams:
        return pd.DataFrame(), parsed
    ctx = [label_ctx[lab] for lab in labels] + [
        [w for k, i, j in occurrences[g][:_MAX_OCC] for w in _context(parsed[k]["words"], parsed[k]["in_label"],
                                                                        i, j, window)] for g in grams]
    X = TfidfVectorizer(analyzer=_identity, sublinear_tf=True).fit_transform(ctx)
    centroid = np.asarray(X[:len(labels)].mean(axis=0)).ravel()
    cosine = X[len(labels):] @ centroid / (np.linalg.norm(centroid) or 1.0)
    # Truncated SVD of the context matrix (latent semantic analysis): slots alike but not identical ("held in
    # ___ in" and "detained in ___ in") share dimensions, so rarely used substitutes are not left at zero.
    k = max(1, min(n_components, X.shape[0] - 1, X.shape[1] - 1))
    Z = TruncatedSVD(n_components=k, random_state=seed).fit_transform(X)
    Z /= np.maximum(np.linalg.norm(Z, axis=1, keepdims=True), 1e-12)
    zc = Z[:len(labels)].mean(axis=0)
    latent = Z[len(labels):] @ zc / (np.linalg.norm(zc) or 1.0)
    used = [{parsed[k]["doc"] for k, _, _ in occurrences[g]} for g in grams]
    out = pd.DataFrame({"gram": grams, "candidate": [" ".join(g) for g in grams],
                        "n": [len(occurrences[g]) for g in grams], "n_articles": [len(u) for u in used],
                        "cosine": cosine, "latent": np.clip(latent, 0, None),
                        "naming": [len(links[g]["naming"]) for g in grams],
                        "acronym": [len(links[g]["acronym"]) for g in grams],
                        "kin": [_kin(g, known_words, surfaces) for g in grams],
                        "example": [parsed[occurrences[g][0][0]]["key"] for g in grams]})
    out["separation"], out["log_odds"], out["stability"], out["top_group"], out["n_by_group"] = np.nan, np.nan, np.nan, "", ""
    if articles is not None:
        doc_group = articles.drop_duplicates("doc_id").set_index("doc_id")[by].astype(str)
        doc_group = doc_group.loc[doc_group.index.isin({p["doc"] for p in parsed})]
        z, lor, best, counts = _separation_fast(used, doc_group)
        out["separation"], out["log_odds"], out["top_group"], out["n_by_group"] = z, lor, best, counts
        # resampling is the costly part: only the candidates most like the known labels, or tied to them by
        # naming or kinship (a rare "chinese regime" would otherwise never get its separation)
        pool = out.index[(out["latent"].rank(ascending=False) <= _POOL) | (out["naming"] + out["acronym"] > 0)
                         | out["kin"]]
        out.loc[pool, "stability"] = _bootstrap_stability([used[k] for k in pool], doc_group,
                                                          [best[k] for k in pool], n_boot=n_boot, seed=seed)
        for row, g in enumerate(grams):  # evidence from the group that uses it most
            hit = next((k for k, _, _ in occurrences[g] if doc_group.get(parsed[k]["doc"]) == best[row]), None)
            if hit is not None:
                out.loc[row, "example"] = parsed[hit]["key"]
    return out, parsed


def _separation_fast(used: list[set[str]], doc_group: pd.Series
                     ) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """:func:`labels._separation` for many candidates at once: the largest one-vs-rest log-odds z by group,
    and that group's log odds ratio."""
    groups = sorted(doc_group.unique())
    gi = {d: groups.index(g) for d, g in doc_group.items()}
    size = np.bincount([gi[d] for d in doc_group.index], minlength=len(groups)).astype(float)
    n = np.array([np.bincount([gi[d] for d in u if d in gi], minlength=len(groups)) for u in used], float)
    a, b = n + 0.5, size - n + 0.5
    rest = n.sum(1, keepdims=True) - n
    c, d = rest + 0.5, (size.sum() - size) - rest + 0.5
    lor = np.log(a / b) - np.log(c / d)
    zs = lor / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    best = zs.argmax(1)
    counts = ["; ".join(f"{g} {int(x)}" for g, x in zip(groups, row)) for row in n]
    rows = np.arange(len(used))
    return zs[rows, best], lor[rows, best], [groups[k] for k in best], counts


def _score(f: pd.DataFrame) -> np.ndarray:
    """similarity x (1 + naming + kin + separation), each piece of evidence capped (see discover_substitutes)."""
    # the share of its articles that tie it to the referent: "Xinjiang" is named beside the camps in a few of
    # its many articles, a label the referent's other name in most of its own
    naming = np.minimum(1.0, (f["naming"] + 2 * f["acronym"]) / f["n_articles"])
    # the effect size (log odds ratio), not its z: z grows with a word's frequency, so on a whole corpus every
    # common word ("past", "issue") would be "stably" split by the groups' article counts alone
    separation = np.clip(f["log_odds"].fillna(0), 0, 2) / 2 * f["stability"].fillna(0)
    return (f["latent"] * (1 + naming + 0.5 * f["kin"] + separation)).to_numpy(float)


def discover_substitutes(sentences: pd.DataFrame, mentions: pd.DataFrame, *, referent: Referent,
                         articles: pd.DataFrame | None = None, by: str = "leaning", top: int = 20,
                         min_articles: int = 2, window: int = 5, max_n: int = 4, n_components: int = 100,
                         n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """The ``label_candidates`` table for ``referent`` by substitution and naming evidence (see the module).

    Candidates are 1..``max_n``-grams, found in a sentence that names the referent (by a known label, or
    by a known label's head noun alone) or the sentence after it, or anywhere between the same two words as
    a known mention (its slot); counted over all articles, used in at least ``min_articles`` of them,
    neither starting nor ending with a stop word and not spelling a known label.

    ``score`` = similarity x (1 + naming + kin + separation). Similarity is the LSA cosine of the
    candidate's contexts with the known labels' mean (``n_components`` SVD dimensions of tf-idf context
    vectors: ±``window`` words and the words in the 2 slots either side). naming = min(1, articles tying it
    to a known mention by a naming construction / articles using it), an in-text acronym counting twice.
    kin = 0.5 when it keeps a word of a known label and swaps another, or spells one differently.
    separation = min(log odds ratio, 2) / 2 x stability, for the group of ``articles[by]`` with the largest
    one-vs-rest log-odds z (0.5 added to each cell), stability being the share of ``n_boot`` article
    resamples in which that group still uses it more than the rest (0 without ``articles``).
    """
    out, parsed = _features(sentences, mentions, referent=referent, articles=articles, by=by,
                            min_articles=min_articles, window=window, max_n=max_n, n_components=n_components,
                            n_boot=n_boot, seed=seed)
    if out.empty:
        return tables.empty("label_candidates")
    out["score"] = _score(out)
    out = out.sort_values(["score", "n", "candidate"], ascending=[False, False, True], kind="stable")
    kept, rows = [], []
    for r in out.itertuples():
        if len(rows) == top:
            break
        # of n-grams inside one another and always used together, the best scored stands for them
        if any((_inside(r.gram, k) or _inside(k, r.gram)) and r.n == n for k, n in kept):
            continue
        kept.append((r.gram, r.n))
        evidence = "; ".join(s for s in (f"naming {r.naming}" if r.naming else "",
                                         f"acronym {r.acronym}" if r.acronym else "", "kin" if r.kin else "",
                                         f"stability {r.stability:.2f}" if r.stability == r.stability else "") if s)
        rows.append((referent.name, r.candidate, float(r.score), int(r.n), r.example,
                     f"substitute: LSA context similarity x (1 + naming + kin + separation); {evidence}",
                     float(r.separation), r.top_group, r.n_by_group))
    return validate(tables.from_rows(rows, "label_candidates"), "label_candidates")
