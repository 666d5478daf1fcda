"""``analysis.collect.extract`` and ``analysis.validation.extraction_gold``: decoding, extraction, language, P/R/F1."""

from __future__ import annotations

import codecs
import math
import random

import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA

from analysis.collect.extract import (
    EXTRACTOR_VERSION,
    decode_html,
    detect_language,
    extract_article,
    normalise_encoding,
)
from analysis.validation.extraction_gold import (
    COLUMNS,
    INSTRUMENTS,
    boilerplate_pages,
    corpus_instrument,
    site_of,
    token_prf,
    validate_extraction,
)

BENCHMARK = SHARED_DATA / "extraction_benchmark"
needs_benchmark = pytest.mark.skipif(not (BENCHMARK / "ground-truth.json").is_file(),
                                     reason="shared extraction benchmark not present")

CP1252_TEXT = "He called it “a great step” and paid 5 € for the paper’s copy."
ZH_TEXT = ("中华人民共和国商务部新闻发言人就美方将中国有关实体列入出口管制实体清单答记者问。"
           "美国商务部宣布将二十八个中国实体列入出口管制实体清单，中方对此坚决反对，敦促美方立即停止错误做法。")
# U+3400 is outside GBK and GB2312: only decoding as GB18030 gets it back.
ZH_EXT = ZH_TEXT + "㐀"


def page(body: str, *, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body><p>{body}</p></body></html>"


# --- decode_html --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, expected", [
    ("ISO-8859-1", "cp1252"), ("latin1", "cp1252"), ("us-ascii", "cp1252"), ("windows-1252", "cp1252"),
    ("GB2312", "gb18030"), ("gbk", "gb18030"), ("GB18030", "gb18030"), ("UTF8", "utf-8"), ("utf-8", "utf-8"),
    ("'Shift_JIS'", "cp932"), ("no-such-charset", None), ("", None), (None, None),
])
def test_normalise_encoding(label, expected):
    assert normalise_encoding(label) == expected


@pytest.mark.parametrize("content_type, meta", [
    ("text/html; charset=iso-8859-1", ""),
    ("text/html; charset=\"ISO-8859-1\"", ""),
    (None, '<meta charset="iso-8859-1">'),
    (None, '<meta http-equiv="Content-Type" content="text/html; charset=latin1">'),
])
def test_latin1_declaration_is_read_as_cp1252(content_type, meta):
    html = page(CP1252_TEXT, meta=meta)
    text, encoding = decode_html(html.encode("cp1252"), content_type=content_type)
    assert encoding == "cp1252"
    assert text == html
    assert "“a great step”" in text and "5 €" in text and "paper’s" in text


@pytest.mark.parametrize("content_type, meta", [
    ("text/html; charset=GBK", ""),
    ("text/html;charset=gb2312", ""),
    (None, '<meta charset="gb2312">'),
    (None, '<meta http-equiv="Content-Type" content="text/html; charset=GBK" />'),
])
def test_declared_gbk_is_read_as_gb18030(content_type, meta):
    html = page(ZH_EXT, meta=meta)
    text, encoding = decode_html(html.encode("gb18030"), content_type=content_type)
    assert (text, encoding) == (html, "gb18030")


def test_undeclared_chinese_is_detected():
    html = page(ZH_TEXT * 3)
    text, encoding = decode_html(html.encode("gb18030"))
    assert encoding == "gb18030"
    assert text == html


def test_header_charset_wins_over_meta():
    html = page("naïve café", meta='<meta charset="gb2312">')
    assert decode_html(html.encode("utf-8"), content_type="text/html; charset=utf-8") == (html, "utf-8")


def test_meta_after_scan_window_is_ignored():
    html = "<html><head>" + "<!-- x -->" * 500 + '<meta charset="gb2312"></head><body>café</body></html>'
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")


@pytest.mark.parametrize("bom, codec, expected", [
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
])
def test_bom_wins_over_declarations(bom, codec, expected):
    html = page("Straße “quoted” 中文", meta='<meta charset="iso-8859-1">')
    text, encoding = decode_html(bom + html.encode(codec), content_type="text/html; charset=iso-8859-1")
    assert (text, encoding) == (html, expected)


def test_undeclared_utf8_is_utf8():
    html = page("Zoë’s “café” 中文")
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")


@pytest.mark.parametrize("body", [
    b"", random.Random(0).randbytes(2000), random.Random(1).randbytes(7), b"\xff\xfe\x00", b"\xef\xbb",
    b"<meta charset=\"x-unknown\">\xff\xfe\x80\x81", b"\x00" * 100,
])
def test_garbage_never_raises(body):
    text, encoding = decode_html(body, content_type="garbage; charset=")
    assert isinstance(text, str)
    assert codecs.lookup(encoding)


# --- extract_article ----------------------------------------------------------------------------------------

def _benchmark_page(page_id: str) -> tuple[bytes, str, str]:
    import gzip
    import json

    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))[page_id]
    return gzip.decompress((BENCHMARK / "html" / f"{page_id}.html.gz").read_bytes()), truth["url"], truth["articleBody"]


@needs_benchmark
@pytest.mark.parametrize("page_id, title, phrase", [
    ("1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892",
     "New York State Attorney General reportedly investigating WeWork",
     "WeWork founder and former CEO Adam Neumann engaged in self-dealing"),
    ("57d46c9d751e3fd3ffaf3ede7ac20cebd30eacb5ea78e1a6aa0a72059244e7ca",
     "Oversupply angst drags oil lower, stocks drift near highs",
     "Oil prices fell sharply on Tuesday on oversupply concerns"),
    ("c7e39ac49fa1235f5d50f83bf2444248bd3aa4e6df044377916c812dd109ba23",
     "Sweden drops Assange rape investigation",
     "Prosecutors in Sweden have dropped an investigation into a rape allegation"),
])
def test_extract_real_pages(page_id, title, phrase):
    raw, url, gold = _benchmark_page(page_id)
    assert phrase in gold  # the phrase is the annotators', not ours
    html, encoding = decode_html(raw)
    article = extract_article(html, url=url)
    assert encoding == "utf-8"
    assert title in article["title"]
    assert phrase in article["text"]
    assert "\n\n" in article["text"] and "\n\n\n" not in article["text"]
    assert article["published"] == "2019-11-19" or article["published"] == "2019-11-18"
    assert article["extractor"] == "trafilatura" and article["extractor_version"] == EXTRACTOR_VERSION
    assert article["canonical_url"].startswith("http")
    assert article["error"] is None
    f1 = token_prf(article["text"], gold)[2]
    assert f1 > 0.9


@pytest.mark.parametrize("html", [
    "", "   ", "<html><body><div>", "<html><body><div><p>", "<<<>>>&&&;", "<p>x</p>",
    "\x00\x01\x02 junk \ufffd\ufffd" * 50,
    decode_html(random.Random(2).randbytes(5000))[0],
])
def test_empty_or_malformed_html_gives_empty_text(html):
    article = extract_article(html)
    assert article["text"] == ""
    assert article["extractor"] == "trafilatura"
    assert set(article) >= {"title", "text", "published", "author", "sitename", "canonical_url", "extractor",
                            "extractor_version"}


def test_non_string_input_gives_empty_text():
    assert extract_article(None)["text"] == ""  # type: ignore[arg-type]


def test_extract_built_page_keeps_paragraphs_and_metadata():
    paragraphs = [f"Paragraph {i} reports that the Commerce Department added twenty-eight Chinese organisations "
                  f"to its Entity List, citing human rights violations in Xinjiang, number {i}." for i in range(6)]
    html = ("<html><head><title>Blacklist widens</title><meta name=\"author\" content=\"Jane Doe\">"
            "<meta property=\"article:published_time\" content=\"2019-10-08T10:00:00Z\">"
            "<link rel=\"canonical\" href=\"https://example.com/news/blacklist\"></head><body><article>"
            "<h1>Blacklist widens</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            + "</article></body></html>")
    article = extract_article(html, url="https://example.com/news/blacklist?utm=x")
    assert article["title"] == "Blacklist widens"
    # trafilatura keeps the <h1> as the first block; the cleaning stage handles a title repeated in the body.
    assert article["text"].split("\n\n")[-len(paragraphs):] == paragraphs
    assert article["published"] == "2019-10-08"
    assert article["author"] == "Jane Doe"
    assert article["canonical_url"] == "https://example.com/news/blacklist"


# --- detect_language ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, lang", [
    ("The Commerce Department added Hikvision and seven other companies to the Entity List on Monday.", "en"),
    ("Le département américain du Commerce a ajouté huit entreprises chinoises à sa liste noire lundi.", "fr"),
    ("美国商务部周一将海康威视等八家中国公司列入实体清单，中方表示坚决反对。", "zh"),
])
def test_detect_language(text, lang):
    code, prob = detect_language(text)
    assert code == lang
    assert 0.5 < prob <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "OK", "12345 67890 !!!", None])
def test_detect_language_undetermined_for_short_text(text):
    assert detect_language(text) == ("und", 0.0)



_EN = ("The Commerce Department said on Monday that it had added Hikvision, Dahua and six other Chinese technology "
       "companies to a trade blacklist, citing their role in the repression of Uighurs and other mostly Muslim "
       "minorities in the western region of Xinjiang. The move bars the companies from buying parts and components "
       "from American firms without government approval, and it comes as officials from both countries prepare for "
       "another round of negotiations over tariffs. A spokesman for the foreign ministry in Beijing told reporters "
       "that the decision was an interference in the country's internal affairs. ")
_ZH = "美国商务部周一将海康威视等八家中国公司列入实体清单，中方表示坚决反对，并称这是干涉中国内政。"
_FR = ("Le département américain du Commerce a annoncé lundi avoir ajouté Hikvision, Dahua et six autres "
       "entreprises technologiques chinoises à une liste noire commerciale, en invoquant leur rôle dans la "
       "répression des Ouïghours et d'autres minorités majoritairement musulmanes dans la région du Xinjiang. ")


@pytest.mark.parametrize("text, english", [
    (_EN * 8, True),             # long and one language: decided on its opening and close
    (_EN * 3 + _ZH * 60, False),  # English opening, Chinese body and close
    (_ZH * 30 + _EN * 3, False),  # Chinese opening, English close
], ids=["english", "english-opening", "english-close"])
def test_detect_language_of_long_text_matches_reading_it_whole(text, english):
    sampled, whole = detect_language(text)[0], detect_language(text, sample_chars=len(text))[0]
    assert sampled == whole
    assert (sampled == "en") == english


def test_detect_language_of_a_text_whose_middle_alone_changes_language_follows_its_ends():
    # The stated limit of the sample: read whole, this text is mostly French.
    text = _EN * 2 + _FR * 40 + _EN * 2
    assert detect_language(text, sample_chars=len(text))[0] == "fr"
    assert detect_language(text)[0] == "en"


class _CountingIdentifier:
    def __init__(self, real):
        self.real, self.lengths = real, []

    def classify(self, text):
        self.lengths.append(len(text))
        return self.real.classify(text)


def test_detect_language_reads_a_mixed_text_whole(monkeypatch):
    from analysis.collect import extract

    counting = _CountingIdentifier(extract._identifier())
    monkeypatch.setattr(extract, "_identifier", lambda: counting)
    extract.detect_language(_EN * 8)
    assert counting.lengths == [1000, 1000]  # the opening and the close only
    counting.lengths.clear()
    mixed = _EN * 3 + _ZH * 60
    extract.detect_language(mixed)
    assert counting.lengths[-1] == len(mixed)  # the opening said English, the close did not: read whole


# --- token_prf and the benchmark validation -----------------------------------------------------------------

@pytest.mark.parametrize("predicted, gold, ngram, expected", [
    # pred {the, cat, sat}; gold {the:2, cat, sat, on, mat}: 3 matched of 3 predicted and 6 gold.
    ("the cat sat", "The cat sat on the mat", 1, (1.0, 0.5, 2 / 3)),
    # pred {a:2, b}; gold {a, b, c}: min counts give 2 matched of 3 and 3.
    ("a a b", "a b c", 1, (2 / 3, 2 / 3, 2 / 3)),
    # case and punctuation are ignored: 2 matched of 5 predicted and 2 gold; F1 = 2*.4*1/1.4.
    ("Subscribe now, today: Hello WORLD!", "hello, world", 1, (0.4, 1.0, 0.8 / 1.4)),
    # 4-shingles: pred {abcd, bcde}, gold {abcd}.
    ("a b c d e", "a b c d", 4, (0.5, 1.0, 2 / 3)),
    ("x y", "a b", 1, (0.0, 0.0, 0.0)),
    ("", "", 1, (1.0, 1.0, 1.0)),
    ("", "some gold text", 1, (0.0, 0.0, 0.0)),
    ("some output", "", 1, (0.0, 0.0, 0.0)),
])
def test_token_prf_known_values(predicted, gold, ngram, expected):
    assert token_prf(predicted, gold, ngram=ngram) == pytest.approx(expected)


def test_token_prf_rejects_bad_ngram():
    with pytest.raises(ValueError, match="ngram"):
        token_prf("a", "a", ngram=0)


def test_site_of():
    assert site_of("https://www.Reuters.com/article/x") == "reuters.com"
    assert site_of("http://hosted.ap.org/a") == "hosted.ap.org"
    assert site_of(None) == "unknown"


def test_boilerplate_pages():
    texts = [
        "Subscribe to our newsletter today\nStory one body here",
        "Subscribe to our newsletter today\nStory two body",
        "Subscribe to our newsletter today\nOther site story",
        "Share this story now\nBody text\nShare this story now",
        "Share\nBody text here\nShare",
    ]
    sites = ["a.com", "a.com", "b.com", "c.com", "d.com"]
    assert boilerplate_pages(texts, sites) == [True, True, False, True, False]


@needs_benchmark
def test_validate_extraction_on_three_pages(project):
    from analysis.collect import datasets

    pages = datasets.load_extraction_benchmark().head(3)
    gold_echo = corpus_instrument(lambda p: p["gold_text"].tolist())
    table = validate_extraction(pages, instruments={**INSTRUMENTS, "gold echo": gold_echo})
    assert list(table.columns) == COLUMNS
    assert set(table["instrument"]) == {"trafilatura default", "toolkit extract", "toolkit extract + clean", "gold echo"}
    assert set(table["metric"]) == {"precision", "recall", "f1"}
    assert set(table["split"]) == {"all", "boilerplate"}
    assert (table["dataset"] == "extraction_benchmark").all()
    assert len(table) == 4 * 2 * 3  # instruments x splits x metrics
    assert table.loc[table["split"] == "all", "n"].eq(3).all()
    assert table["value"].dropna().between(0, 1).all()
    echo = table[(table["instrument"] == "gold echo") & (table["split"] == "all")]
    assert echo["value"].tolist() == [1.0, 1.0, 1.0]
    for name in ("trafilatura default", "toolkit extract"):
        f1 = table.query("instrument == @name and split == 'all' and metric == 'f1'")["value"].item()
        assert f1 > 0.5


def test_validate_extraction_needs_columns():
    with pytest.raises(ValueError, match="lacks columns"):
        validate_extraction(pd.DataFrame({"html": [b""]}))


def test_corpus_instrument_must_return_one_text_per_page():
    pages = pd.DataFrame({"html": [b"<html></html>"] * 2, "gold_text": ["a", "b"], "url": ["http://x.org/1"] * 2})
    bad = corpus_instrument(lambda p: ["only one"])
    with pytest.raises(ValueError, match="returned 1 texts for 2 pages"):
        validate_extraction(pages, instruments={"bad": bad})


def test_validate_extraction_scores_failures_as_zero():
    pages = pd.DataFrame({"html": [b"", b"<html><body><div>"], "gold_text": ["gold one", "gold two"],
                          "url": ["http://x.org/1", "http://x.org/2"]})
    table = validate_extraction(pages)
    assert table.loc[table["split"] == "all", "value"].eq(0.0).all()
    assert table.loc[table["split"] == "boilerplate", "n"].eq(0).all()
    assert table.loc[table["split"] == "boilerplate", "value"].map(math.isnan).all()


@pytest.mark.slow  # extracts the whole benchmark
@needs_benchmark
def test_readme_extraction_numbers_match_a_fresh_measurement(project):
    """The README quotes the full benchmark run; re-measure it and compare (3 decimals)."""
    from analysis.collect import datasets

    table = validate_extraction(datasets.load_extraction_benchmark())
    value = table.set_index(["split", "instrument", "metric"])["value"]
    readme = (REPO / "README.md").read_text()
    for label, name in [("trafilatura 2.3.1, defaults", "trafilatura default"),
                        ("toolkit extraction (main text only)", "toolkit extract"),
                        ("toolkit extraction + cleaning", "toolkit extract + clean")]:
        row = (f"| {label} | {value['all', name, 'precision']:.3f} | {value['all', name, 'recall']:.3f} | "
               f"{value['all', name, 'f1']:.3f} | {value['boilerplate', name, 'f1']:.3f} |")
        assert row in readme
    assert value["all", "toolkit extract + clean", "f1"] >= value["all", "trafilatura default", "f1"]
    assert value["boilerplate", "toolkit extract + clean", "f1"] > value["boilerplate", "trafilatura default", "f1"]
