"""The catalog of public datasets the toolkit knows: names, files, licences and citations.

Declared here as data, once, so that a study file can be checked against it
(:mod:`analysis.core.study`) and the report can cite what it read, without
importing the loaders. Finding and fetching the files is
:mod:`analysis.collect.datasets`'s job, the only room that touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis.core.errors import DataNotFoundError


@dataclass(frozen=True)
class Dataset:
    name: str
    folder: str
    files: dict[str, str]
    licence: str
    citation: str
    homepage: str
    # Files a public source can build into the data home (see analysis.collect.datasets.BUILDERS); the others
    # carry publisher text shared by hand and are only found in the data home or a mirror.
    downloadable: tuple[str, ...] = field(default_factory=tuple)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in [
        Dataset(
            "allsides",
            "allsides",
            {"articles": "articles.jsonl.gz", "china_subset": "china_related_subset.jsonl.gz"},
            licence="Apache-2.0 (repository); article text is the publishers'",
            citation="Baly et al. (2020), We Can Detect Your Bias, EMNLP",
            homepage="https://github.com/ramybaly/Article-Bias-Prediction",
            downloadable=("articles",),
        ),
        Dataset(
            "vader_nyt",
            "vader_nyt",
            {
                "ground_truth": "nytEditorialSnippets_GroundTruth.txt",
                "ratings": "nytEditorialSnippets_anonDataRatings.txt",
            },
            licence="MIT (vaderSentiment repository); snippets are NYT text",
            citation="Hutto & Gilbert (2014), VADER, ICWSM",
            homepage="https://github.com/cjhutto/vaderSentiment",
        ),
        Dataset(
            "seed",
            "seed",
            {"reclaimthenet": "reclaimthenet_2019-10_entity-list.txt"},
            licence="publisher's text (Reclaim The Net); shared for research, not redistributed",
            citation="Reclaim The Net, October 2019",
            homepage="https://reclaimthenet.org/",
        ),
        Dataset(
            "extraction_benchmark",
            "extraction_benchmark",
            {"ground_truth": "ground-truth.json"},
            licence="MIT (Scrapinghub article-extraction-benchmark); pages are third-party web content",
            citation="Scrapinghub/Zyte (2020), Article Extraction Benchmark, commit 4a3bc979",
            homepage="https://github.com/scrapinghub/article-extraction-benchmark",
        ),
        Dataset(
            "newsmtsc",
            "newsmtsc",
            {"train": "train.jsonl", "devtest_rw": "devtest_rw.jsonl"},
            licence="MIT (NewsMTSC repository); sentences are publishers' text",
            citation="Hamborg & Donnay (2021), NewsMTSC: (Multi-)Target-dependent Sentiment Classification in News Articles, EACL",
            homepage="https://github.com/fhamborg/NewsMTSC",
        ),
        Dataset(
            "emfd",
            "lexicons/emfd",
            {"emfd_scoring": "emfd_scoring.csv", "mfd2": "mfd2.0.dic", "mfd_original": "mft_original.dic"},
            licence="GPL-3.0 (emfdscore repository, data); commercial use needs the authors' permission",
            citation="Hopp et al. (2021), The extended Moral Foundations Dictionary (eMFD), Behavior Research Methods; Frimer et al. (2019), Moral Foundations Dictionary 2.0; Graham, Haidt & Nosek (2009), Liberals and conservatives rely on different sets of moral foundations, JPSP; files from emfdscore commit 5523d76c",
            homepage="https://github.com/medianeuroscience/emfdscore",
        ),
        Dataset(
            "narrative_frames",
            "narrative_frames",
            {
                "articles": "articles_metadata.tsv",
                "roles": "role_and_frame_annoations.tsv",
                "annotations": "full_annotations.json",
            },
            licence="MIT (repository); article texts are publishers' content",
            citation="Frermann, Li, Khanehzar & Mikolajczak (2023), Conflicts, Villains, Resolutions: Towards models of Narrative Media Framing, ACL",
            homepage="https://github.com/phenixace/narrative-framing",
        ),
        Dataset(
            "babe",
            "babe_mbic",
            {
                "sg1": "final_labels_SG1.csv",
                "sg2": "final_labels_SG2.csv",
                "mbic": "final_labels_MBIC.csv.gz",
                "bias_words": "bias_word_lexicon.txt",
            },
            licence="AGPL-3.0 (repository); sentences are publishers' text",
            citation="Spinde et al. (2021), Neural Media Bias Detection Using Distant Supervision With BABE, Findings of EMNLP",
            homepage="https://github.com/Media-Bias-Group/Neural-Media-Bias-Detection-Using-Distant-Supervision-With-BABE",
        ),
        Dataset(
            "recasens",
            "neus_allsides/lexicons_recasens2013",
            {
                "bias_words": "bias-lexicon_bias-lexicon.txt",
                "assertives": "bias_related_lexicons_assertives_hooper1975.txt",
                "factives": "bias_related_lexicons_factives_hooper1975.txt",
                "hedges": "bias_related_lexicons_hedges_hyland2005.txt",
                "implicatives": "bias_related_lexicons_implicatives_karttunen1971.txt",
                "report_verbs": "bias_related_lexicons_report_verbs.txt",
            },
            licence="research use (Recasens et al. 2013 lexicons, redistributed with NeuS, MIT)",
            citation="Recasens, Danescu-Niculescu-Mizil & Jurafsky (2013), Linguistic Models for Analyzing and Detecting Biased Language, ACL; word lists from Hooper (1975), Hyland (2005), Karttunen (1971)",
            homepage="https://github.com/HLasse/NeuS",
        ),
        Dataset(
            "policy_frames",
            "lexicons/policy_frames",
            {"codes": "codes.json"},
            licence="GPL-3.0 (Media Frames Corpus repository)",
            citation="Boydstun, Card, Gross, Resnik & Smith (2014), Tracking the Development of Media Frames within and across Policy Issues; Card et al. (2015), The Media Frames Corpus, ACL",
            homepage="https://github.com/dallascard/media_frames_corpus",
        ),
        Dataset(
            "neus",
            "neus_allsides",
            {
                "roundups": "allsides_roundups_2021-04_to_2021-10_crawled.jsonl",
                "probe_train": "naacl2022_lrc_roundup_random_order_probe/train.source",
                "probe_val": "naacl2022_lrc_roundup_random_order_probe/val.source",
                "probe_test": "naacl2022_lrc_roundup_random_order_probe/test.source",
            },
            licence="MIT (repository); titles and leads are publishers' text",
            citation="Lee, Chung, Ishii, Cho & Fung (2022), NeuS: Neutral Multi-News Summarization for Mitigating Framing Bias, NAACL",
            homepage="https://github.com/HLTCHKUST/framing-bias-metric",
        ),
    ]
}

# Datasets that hold news articles and have a loader for `kind = "dataset"` sources.
ARTICLE_DATASETS = {"allsides", "neus"}
# Datasets whose files are plain article text, usable in `kind = "files"` sources.
TEXT_DATASETS = {"seed"}


def get_dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise DataNotFoundError(f"unknown dataset {name!r}; known: {', '.join(sorted(DATASETS))}") from None
