"""Every corpus figure drawn from a real (tiny) pipeline run: on a tiny study and on a skewed one (one outlet
with a single article, one with many, undated articles sharing text, an outlet name full of TeX specials),
none is blank and no label runs off the page.

The validation figures (sentiment_validity, target_sentiment_validity, framing_validity) plot the shared
human-labelled data sets, the same for every study; they are drawn from the default study's tables in
test_default_study.py.
"""

from __future__ import annotations

import ast
import re
from io import BytesIO

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SHARED_DATA, TINY_ARTICLES, TINY_STUDY, new_project, write_jsonl
from PIL import Image

from analysis.core import tables
from analysis.provenance import reuse_sensitivity
from analysis.report import figure_checks, figures, framing_figures, provenance_figures, validation_figures

# The figure functions drawn from the human-labelled validation data only (see the module docstring).
VALIDATION_ONLY = {"sentiment_validity", "target_sentiment_validity", "framing_validity_plot"}

SHARED = ("The Commerce Department added Hikvision and SenseTime to the Entity List on Monday, saying the firms "
          "were implicated in human rights violations against Uighurs in Xinjiang, a decision that Beijing said "
          "it firmly opposes and will answer with measures of its own.")
TEX_OUTLET = r"Ca$h \frac{ News$ & 50% _Daily_ #1"
SKEWED_STUDY = TINY_STUDY + """
[[referents]]
name = "the blacklist"
labels = { "Entity List" = "entity list", "blacklist" = "black ?list(?:ed|ing)?" }
"""


def _skewed_articles() -> list[dict]:
    """Reuters: 14 articles; Fox News: 1; The Guardian: 3, two undated; a TeX-named outlet: 2, one undated;
    the Guardian's and the TeX outlet's undated articles copy a Reuters passage."""
    rows = []
    topics = ["trade", "surveillance", "tariffs", "human rights", "technology", "export controls", "camps"]
    for i in range(14):
        topic = topics[i % len(topics)]
        rows.append({"id": f"r{i}", "outlet": "Reuters", "published": f"2019-10-{8 + i % 9:02d}",
                     "title": f"Reuters on {topic} {i}",
                     "text": (SHARED if i == 0 else f"Officials discussed {topic} again on day {i}.") +
                             f" Beijing said the {topic} measures were wrong. The Commerce Department said the "
                             f"{topic} rules protect security. \"We are disappointed by the {topic} decision and "
                             f"will comply,\" Hikvision said in a statement." +
                             (" The firm was blacklisted." if i % 2 else " The Entity List grew.")})
    rows.append({"id": "f1", "outlet": "Fox News", "published": "2019-10-09", "title": "Trump administration acts",
                 "text": "The Trump administration took a great step against horrible abuses. Hikvision is a "
                         "terrible company, lawmakers said. Beijing condemned the excellent decision."})
    for i, when in enumerate(["2019-10-10", "", ""]):
        rows.append({"id": f"g{i}", "outlet": "The Guardian", "published": when, "title": f"Guardian {i}",
                     "text": (SHARED + " " if i == 1 else "") + f"Hikvision and SenseTime were blacklisted, story "
                             f"{i}. The companies said they were disappointed. Beijing said it opposes the move."})
    for i, when in enumerate(["2019-10-11", ""]):
        rows.append({"id": f"t{i}", "outlet": TEX_OUTLET, "published": when, "title": f"$x^2$ {i}",
                     "text": (SHARED + " " if i == 1 else "") + "The Foreign Ministry said the $5 \\frac{1}{2} "
                             "billion move was an outrage. The Commerce Department defended it."})
    return rows


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny and the skewed study, each run to the provenance stage (validation is not needed here)."""
    from analysis.collect import ingest
    from analysis.core import config
    from analysis.run.cli import main

    root = new_project(tmp_path_factory.mktemp("figures") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANALYSIS_PROJECT_ROOT", str(root))
        mp.setenv("ANALYSIS_DATA_HOME", str(root.parent / "data_home"))
        mp.setenv("ANALYSIS_DATA_MIRRORS", str(SHARED_DATA))
        for name, articles, spec in (("tiny", TINY_ARTICLES, TINY_STUDY), ("skewed", _skewed_articles(), SKEWED_STUDY)):
            paths = config.study_paths(name)
            paths.study_dir.mkdir(parents=True)
            paths.study_file.write_text(spec, encoding="utf-8")
            ingest.import_file(write_jsonl(root / f"{name}.jsonl", articles), paths)
            assert main(["-q", "run", name, "--until", "provenance"]) == 0
        yield mp


def _draw_all(name: str) -> dict[str, figures.Plot]:
    """Every corpus figure of the report's notebooks, drawn from the study's tables as the notebooks do."""
    from analysis.report import notebook

    t = notebook.load_tables(name)
    s = t.study
    seed, primary, n_min = s.seed, s.sentiment.instruments[0], s.compare.min_articles
    alpha = 1 - s.compare.confidence
    codebook = t.frame_profiles["codebook"].iloc[0]
    verdicts = reuse_sensitivity.survival(t.reuse_sensitivity, alpha=alpha)
    plots = [
        figures.articles_by_outlet(t.articles_by_period),
        figures.articles_over_time(t.articles_by_period),
        figures.sentiment_by_outlet(t.sentiment_by_group, seed=seed, instruments=s.sentiment.instruments),
        figures.sentiment_by_group(t.sentiment_by_group, t.sentiment_contrasts, seed=seed, instrument=primary),
        figures.sentiment_by_voice(t.sentiment_by_voice, seed=seed, instrument=primary),
        figures.sentence_score_distribution(t.sentence_sentiment, instrument=primary, min_articles=n_min),
        figures.actor_coverage(t.actor_coverage, min_articles=n_min),
        *(figures.actor_sentiment_heatmap(t.actor_sentiment_by_group, instrument=i, seed=seed, min_articles=n_min)
          for i in ("target_logreg", "sentence_vader")),
        framing_figures.frame_profile_heatmap(t.frame_profiles, codebook=codebook, seed=seed, min_articles=n_min),
        framing_figures.frame_profile_heatmap(t.frame_profiles, codebook=codebook, seed=seed, by="outlet",
                                              min_articles=n_min),
        framing_figures.frame_voice_plot(t.frame_profiles, t.frame_voices, codebook=codebook, seed=seed,
                                         min_articles=n_min),
        framing_figures.distinctive_terms_plot(t.distinctive_terms, by="leaning"),
        framing_figures.label_matrix(t.label_shares, min_articles=n_min),
        framing_figures.topic_prevalence_plot(t.topic_prevalence, t.topic_k_scores, seed=seed),
        framing_figures.markers_plot(t.markers_by_group, seed=seed),
        framing_figures.frame_prediction_heatmap(t.frame_prediction_profiles, tables.empty("framing_validation"),
                                                 seed=seed, min_articles=n_min),
        validation_figures.instrument_agreement_plot(t.instrument_agreement, seed=seed),
        provenance_figures.reuse_network(t.reuse_pairs, t.articles, min_containment=s.provenance.min_containment),
        provenance_figures.reuse_sensitivity_plot(t.reuse_sensitivity, verdicts, seed=seed, n_boot=s.compare.n_boot,
                                                  alpha=alpha),
        *(provenance_figures.quote_sources_plot(t.quote_sources, by=by, seed=seed, contrasts=t.quote_source_contrasts,
                                                alpha=alpha) for by in ("outlet", "leaning")),
        provenance_figures.fact_coverage_plot(t.fact_coverage, t.facts, by="outlet",
                                              event=provenance_figures.busiest_event(t.fact_coverage)),
        provenance_figures.fact_omission_plot(t.fact_omission, by="leaning", seed=seed, contrasts=t.omission_contrasts,
                                              alpha=alpha),
    ]
    return {p.name: p for p in plots}


def test_every_figure_function_of_the_notebooks_is_drawn_here():
    """A figure added to a notebook must be added to _draw_all (or be one of the validation figures)."""
    called = set()
    for path in (REPO / "notebooks").glob("[0-9][0-9]_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id in ("figures", "framing_figures", "provenance_figures", "validation_figures"):
                called.add(node.attr)
    source = (REPO / "tests" / "report" / "test_figure_render.py").read_text(encoding="utf-8")
    drawn = set(re.findall(r"(?:figures|framing_figures|provenance_figures|validation_figures)\.(\w+)\(", source))
    tables_only = {n for n in called if n.endswith("_table") or n == "busiest_event"}
    assert called - tables_only - VALIDATION_ONLY <= drawn


@pytest.mark.slow  # shares a build of two studies (~40 s CPU, more on a busy machine)
@pytest.mark.parametrize("study", ["tiny", "skewed"])
def test_no_figure_is_blank_and_no_label_runs_off_the_page(built, study):
    plots = _draw_all(study)
    assert len(plots) >= 20
    report = {}
    for name, plot in plots.items():
        if plot.empty_message:  # the report names it with this sentence instead of drawing it
            assert not figure_checks.drawn_artists(plot.figure) or plot.empty_message
            continue
        buffer = BytesIO()
        plot.figure.savefig(buffer, format="png", dpi=60)
        pixels = np.asarray(Image.open(buffer).convert("L"))
        problems = figure_checks.problems(plot.figure)
        if len(np.unique(pixels)) < 3:
            problems.append("the image is one colour")
        if problems:
            report[name] = problems
    plt.close("all")
    assert report == {}
    drawn = [n for n, p in plots.items() if not p.empty_message]
    assert len(drawn) >= (12 if study == "tiny" else 16), sorted(set(plots) - set(drawn))


@pytest.mark.slow  # shares a build of two studies (~40 s CPU, more on a busy machine)
def test_the_reuse_network_draws_undated_articles_apart_without_a_date(built):
    plot = _draw_all("skewed")["reuse_network"]
    panels = [ax for ax in plot.figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels][-1] == "undated"
    dated = panels[0]
    left, right = dated.get_xlim()
    assert right - left >= 6  # days: never hour ticks ("12:00") on a few days of news
    labels = [t.get_text() for t in dated.get_xticklabels()]
    assert labels and not any(":" in lab for lab in labels), labels
    plt.close("all")


@pytest.mark.slow  # shares a build of two studies (~40 s CPU, more on a busy machine)
def test_outlet_names_with_tex_specials_are_drawn_as_written(built):
    plot = _draw_all("skewed")["articles_by_outlet"]
    plot.figure.savefig(BytesIO(), format="png")
    assert TEX_OUTLET in [t.get_text() for t in plot.figure.axes[0].get_yticklabels()]
    plt.close("all")


def _boom(table):
    raise ValueError("no column 'share' in this table\nsecond line of the message")


@pytest.mark.slow  # shares a build of two studies (~40 s CPU, more on a busy machine)
def test_the_page_embeds_figures_lists_contents_and_names_a_figure_that_failed(built):
    """One file with every image inside, a table of contents, alt text that says what each figure shows, the
    header's sentence count from the tables; a figure whose code fails is named with its error, and the page
    still builds."""
    import base64
    import html as html_lib

    from analysis.core import config, storage
    from analysis.core.study import load_study
    from analysis.report import notebook, page, report

    paths = config.study_paths("skewed")
    t = notebook.load_tables("skewed")
    assert notebook.publish(figures.articles_by_outlet, t.articles_by_period, study="skewed") is not None
    assert notebook.publish(_boom, t.articles_by_period, study="skewed", name="broken_figure") is None
    assert notebook.publish_table("broken_table", _boom, t.articles, study="skewed") is None
    index = report.build_index(load_study(paths), paths)
    text = index.read_text(encoding="utf-8")
    assert index == paths.reports / "index.html"
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', text)
    assert len(images) == 1 and images[0][0].startswith("data:image/png;base64,")
    png = base64.b64decode(images[0][0].split(",", 1)[1])
    assert png == (paths.figures / "articles_by_outlet.png").read_bytes()
    alt = html_lib.unescape(images[0][1])
    assert alt.startswith("Articles per outlet (20 articles from 4 outlets)") and "articles_by_outlet" not in alt
    assert '<nav id="contents"' in text and 'href="#articles_by_outlet">Figure 1. Articles per outlet</a>' in text
    failed = re.search(r'<h3 id="not-drawn">Could not be drawn</h3><ul>(.*?)</ul>', text, flags=re.S).group(1)
    assert "broken_figure" in failed and "ValueError: no column &#x27;share&#x27; in this table" in failed
    assert "broken_table" in failed and "second line" not in failed
    sentences = storage.read_table(paths.table("sentence_sentiment"))
    distinct = len(sentences[["doc_id", "sent_id"]].drop_duplicates())
    assert sentences["instrument"].nunique() >= 1 and f"{distinct:,} sentences." in text
    assert page.first_sentence("Text reuse: 3 pairs (U.S. outlets, e.g. Reuters) share text. Then more.") == \
        "Text reuse: 3 pairs (U.S. outlets, e.g. Reuters) share text."
    linked = report.write_linked(load_study(paths), paths).read_text(encoding="utf-8")
    assert 'src="figures/articles_by_outlet.png"' in linked and "data:image" not in linked


def test_p_thresholds_are_printed_as_set():
    assert figures.format_p(1 - 0.95) == "0.05" and figures.format_p(0.001) == "0.001"
    assert figures.format_p(1 - 0.9) == "0.1"


def test_lead_codebook_falls_back_to_the_study_when_no_frame_was_hit():
    from analysis.report import framing_figures

    profiles = pd.DataFrame({"codebook": ["entity_list", "entity_list"]})
    assert framing_figures.lead_codebook(profiles, ["generic_news_frames"]) == "entity_list"
    assert framing_figures.lead_codebook(profiles.iloc[:0], ["data/my_frames.toml"]) == "my_frames"
    assert framing_figures.lead_codebook(profiles.iloc[:0], []) == "none"
