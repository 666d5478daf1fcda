"""A tiny study's explorer tables, made in code: four outlets, six articles, one of them hostile (script and onerror
payloads in its title, outlet, URL and text), with every evidence table the explorer reads."""

from __future__ import annotations

import re

import pandas as pd

HOSTILE_TITLE = '<script>window.__pwned=1;alert(1)</script>Hikvision <img src=x onerror="window.__pwned=2">'
HOSTILE_OUTLET = "Evil <img src=y onerror=window.__pwned=3> News"
HOSTILE_SENTENCE = 'Hikvision said </script><script>window.__pwned=5</script> the <b onmouseover=alert(1)>ban</b> hurts.'

# (doc_id, outlet, leaning, outlet_type, country, published, url, title, sentences)
ARTICLES = [
    ("d1", "Reuters", "center", "wire", "GB", "2019-10-08", "https://example.org/d1", "U.S. blacklists Hikvision",
     ["The U.S. added Hikvision to the Entity List on Monday.", "Beijing said it firmly opposes the move.",
      "Officials cited national security threats."]),
    ("d2", "Reuters", "center", "wire", "GB", "2019-10-09", "https://example.org/d2", "China vows response",
     ["China's Foreign Ministry condemned the decision.", "It said the US should stop interfering.",
      "Trade talks resume next week."]),
    ("d3", "Fox News", "right", "mainstream", "US", "2019-10-08", "https://example.org/d3", "A great step",
     ["President Trump's administration took a great step against Hikvision.",
      "Lawmakers praised the security decision.", "Beijing said it firmly opposes the move."]),
    ("d4", "Fox News", "right", "mainstream", "US", "2019-11-01", "", "Uighur camps condemned",
     ["Uighurs face terrible repression in Xinjiang.", "Sen. Rubio called it an outrage."]),
    ("d5", "The Guardian", "left", "mainstream", "GB", "2019-10-10", "https://example.org/d5", "Firms blacklisted",
     ["Hikvision and SenseTime were blacklisted.", "The companies said they were disappointed by the trade move."]),
    ("d6", HOSTILE_OUTLET, "left", "advocacy", "US", "2019-12-01", "javascript:window.__pwned=4", HOSTILE_TITLE,
     [HOSTILE_SENTENCE, "Beijing said it firmly opposes the move."]),
]


def _articles_and_sentences() -> tuple[pd.DataFrame, pd.DataFrame]:
    arts, sents = [], []
    for doc, outlet, leaning, kind, country, date, url, title, texts in ARTICLES:
        at = 0
        for k, text in enumerate(texts):
            sents.append((doc, k, outlet, at, at + len(text), text))
            at += len(text) + 1
        arts.append((doc, outlet, title, url or None, pd.Timestamp(date, tz="UTC"), " ".join(texts), leaning, kind,
                     country))
    articles = pd.DataFrame(arts, columns=["doc_id", "outlet", "title", "url", "published", "text", "leaning",
                                           "outlet_type", "country"])
    sentences = pd.DataFrame(sents, columns=["doc_id", "sent_id", "outlet", "start", "end", "text"])
    return articles, sentences


def _find(sentences: pd.DataFrame, pattern: str) -> pd.DataFrame:
    """Every sentence matching ``pattern`` (case-insensitive), with the match's offsets."""
    rows = []
    for r in sentences.itertuples(index=False):
        m = re.search(pattern, r.text, re.IGNORECASE)
        if m:
            rows.append((r.doc_id, r.sent_id, r.outlet, m.group(), m.start(), m.end(), r.text))
    return pd.DataFrame(rows, columns=["doc_id", "sent_id", "outlet", "matched", "start", "end", "sentence"])


def _intervals(keys: dict, groups: list[tuple[str, str]], means: list[float]) -> pd.DataFrame:
    rows = [{**keys, "group_var": gv, "group": g, "n_articles": 2, "n_sentences": 5, "mean": m, "sd": 0.1,
             "ci_low": m - 0.1, "ci_high": m + 0.1, "ci_method": "95% percentile bootstrap over articles"}
            for (gv, g), m in zip(groups, means)]
    return pd.DataFrame(rows)


def tiny_tables() -> dict[str, pd.DataFrame]:
    articles, sentences = _articles_and_sentences()
    outlets = sorted(articles["outlet"].unique())
    groups = [("outlet", o) for o in outlets] + [("leaning", x) for x in ("center", "left", "right")]

    terms = pd.DataFrame([
        ("leaning", "center", "all others", "u.s.", 2, 0, 2, 0, 1.2, True, False, 1),
        ("leaning", "center", "all others", "trade", 1, 1, 1, 1, 0.3, False, False, 2),
        ("leaning", "right", "all others", "hikvision", 1, 3, 1, 3, -0.2, False, False, 1),
        ("leaning", "right", "all others", "beijing", 1, 2, 1, 2, 0.1, False, False, 2),
        ("outlet", "Reuters", "all others", "beijing", 1, 2, 1, 2, 0.4, False, False, 1),
    ], columns=["group_var", "group_a", "group_b", "term", "n", "n_other", "docs_a", "docs_b", "z", "stable",
                "single_article", "rank"])
    terms["outlets_a"], terms["delta"], terms["z_boot_low"], terms["z_boot_high"] = 1, 0.1, -1.0, 2.0
    terms["stable_share"], terms["top_article_share"] = 0.5, 0.5

    security = _find(sentences, r"security").assign(codebook="cb", frame="security")
    opposes = _find(sentences, r"opposes|condemned").assign(codebook="cb", frame="conflict")
    evidence = pd.concat([security, opposes], ignore_index=True)
    evidence["left"] = [s[:a] for s, a in zip(evidence["sentence"], evidence["start"])]
    evidence["right"] = [s[b:] for s, b in zip(evidence["sentence"], evidence["end"])]
    hits = evidence[["doc_id", "sent_id", "outlet", "codebook", "frame", "matched", "start", "end"]].copy()
    hits["voice"] = ["reported" if "said" in s else "outlet" for s in evidence["sentence"]]
    profiles = pd.concat([_intervals({"codebook": "cb", "frame": f, "measure": "present"}, groups,
                                     [0.1 * (k + 1) for k in range(len(groups))])
                          for f in ("conflict", "security")], ignore_index=True)

    scores = pd.DataFrame([(r.doc_id, r.sent_id, r.outlet, ins, "v1", round(((r.sent_id + 1) * w) % 1 - 0.5, 3))
                           for r in sentences.itertuples() for ins, w in (("vader", 0.37), ("lexicon", 0.61))],
                          columns=["doc_id", "sent_id", "outlet", "instrument", "instrument_version", "score"])
    sent_ev = scores.sort_values(["outlet", "instrument", "score"]).groupby(["outlet", "instrument"]).head(2).copy()
    sent_ev["rank"] = sent_ev.groupby(["outlet", "instrument"]).cumcount() + 1
    sent_ev["pull"] = sent_ev["score"] / 10
    sent_ev = sent_ev.merge(sentences[["doc_id", "sent_id", "text"]], on=["doc_id", "sent_id"])
    mentions = _find(sentences, r"beijing|china's foreign ministry")
    actor = pd.DataFrame([(r.doc_id, r.sent_id, r.outlet, "Chinese government", ins, "v1", lab, sc)
                          for r in mentions.itertuples() for ins, lab, sc in (("sentence_vader", "negative", -0.4),
                                                                              ("target_logreg", "neutral", 0.05))],
                         columns=["doc_id", "sent_id", "outlet", "actor", "instrument", "instrument_version", "label",
                                  "score"])

    quote_text = "it firmly opposes the move"
    quotes = []
    for r in articles.itertuples():
        at = r.text.find(quote_text)
        if at >= 0:
            sent = int(sentences[(sentences.doc_id == r.doc_id) & (sentences.start <= at)]["sent_id"].max())
            quotes.append((r.doc_id, r.outlet, 0, sent, at, at + len(quote_text), quote_text, 5, False, "reported",
                           "Beijing", "said", "Chinese government", "government", "q1"))
    rubio = articles.loc[articles.doc_id == "d4", "text"].iloc[0].find("an outrage")
    quotes.append(("d4", "Fox News", 0, 1, rubio, rubio + 10, "an outrage", 2, True, "partial", "Sen. Rubio",
                   "called", "", "us_government", "q2"))
    hostile = articles.loc[articles.doc_id == "d6", "text"].iloc[0]
    quotes.append(("d6", HOSTILE_OUTLET, 1, 0, 10, 40, hostile[10:40], 5, False, "direct", "<i>Hikvision</i>",
                   "said", "", "company", "q3"))
    quotes = pd.DataFrame(quotes, columns=["doc_id", "outlet", "quote_seq", "sent_id", "start", "end", "text",
                                           "n_words", "is_partial", "kind", "speaker", "speaker_cue", "actor",
                                           "source_type", "quote_id"])

    text = articles.set_index("doc_id")["text"]
    a_at, b_at = text["d1"].find("Beijing said"), text["d3"].find("Beijing said")
    pairs = pd.DataFrame([{"doc_a": "d1", "doc_b": "d3", "outlet_a": "Reuters", "outlet_b": "Fox News",
                           "containment_a_in_b": 0.3, "containment_b_in_a": 0.25, "jaccard": 0.2,
                           "shared_passages": 2, "longest_passage_words": 7, "direction": "a->b",
                           "relation": "copy", "syndicated": False, "same_outlet": False}])
    passages = pd.DataFrame([("d1", "d3", 0, a_at, a_at + 40, b_at, b_at + 40, 7, False),
                             ("d1", "d3", 1, 0, 7, 0, 9, 2, False)],
                            columns=["doc_a", "doc_b", "passage", "a_start", "a_end", "b_start", "b_end", "n_words",
                                     "quoted"])
    labels = _find(sentences, r"uighurs").assign(referent="Uyghurs", label="Uighurs")
    labels = labels[["doc_id", "sent_id", "outlet", "referent", "label", "matched", "start", "end"]]
    return {
        "articles": articles, "sentences": sentences, "distinctive_terms": terms, "frame_profiles": profiles,
        "frame_evidence": evidence, "frame_hits": hits,
        "sentiment_by_group": _intervals({"instrument": "vader"}, groups, [0.1] * len(groups)),
        "actor_sentiment_by_group": _intervals({"actor": "Chinese government", "instrument": "sentence_vader"},
                                               groups, [-0.2] * len(groups)),
        "sentiment_evidence": sent_ev, "sentence_sentiment": scores, "actor_sentiment": actor, "quotes": quotes,
        "reuse_pairs": pairs, "reuse_passages": passages, "label_mentions": labels,
    }
