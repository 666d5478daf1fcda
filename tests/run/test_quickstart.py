"""The README's quick start, followed verbatim: its commands, on a CSV with the export's own column names and the
README's [[actors]] block, end in a report whose figures are drawn (none blank, none failed) and whose header counts
equal the tables'."""

from __future__ import annotations

import csv
import json
import re
import shlex
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from PIL import Image

OUTLETS = ["Reuters", "Fox News", "The Guardian", "Global Times"]
# Sentences in the register of the founding example, recombined per article so outlets differ in tone and words.
OPENINGS = [
    "The U.S. Commerce Department added Hikvision and 27 other Chinese entities to the Entity List on Monday.",
    "Washington blacklisted Hikvision, SenseTime and Megvii over the treatment of Uighurs in Xinjiang.",
    "The Trump administration put Chinese surveillance firms including Hikvision on a trade blacklist.",
    "China's foreign ministry condemned the U.S. decision to blacklist Hikvision as interference.",
]
MIDDLES = [
    "Officials said the companies were implicated in human rights violations and abuses against Muslim minorities.",
    "Beijing said it firmly opposes the move and urged the government in Washington to stop meddling.",
    "Hikvision said it strongly objects to the decision and that it respects human rights.",
    "Rights groups praised the excellent decision as a long overdue step against mass surveillance.",
    "Analysts warned the blacklist could hurt American suppliers and escalate the trade war.",
    "The government in Beijing called the so-called human rights concerns a pretext to contain China.",
]
CLOSINGS = [
    "Shares of Hikvision fell sharply in Shenzhen trading on Tuesday.",
    "Trade talks between the two governments are scheduled to resume later this week.",
    "Critics called the move a disaster for companies on both sides.",
]


def _quick_start() -> tuple[list[str], str, list[str]]:
    """The quick start's shell commands, its [[actors]] example and the columns its CSV sample has."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start: your own data", 1)[1].split("\n## ", 1)[0]
    blocks = dict.fromkeys(("bash", "toml", "csv"), "")
    for lang, body in re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S):
        if lang in blocks:  # the `sh` block that opens the explorer is for the reader's desktop
            blocks[lang] += body
    commands = [line for line in blocks["bash"].splitlines() if line.strip() and not line.startswith("#")]
    return commands, blocks["toml"], blocks["csv"].splitlines()[0].split(",")


def _coverage(columns: list[str]) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for i in range(24):
        outlet = OUTLETS[i % len(OUTLETS)]
        text = " ".join([OPENINGS[(i + i // 4) % len(OPENINGS)],
                         *rng.choice(MIDDLES, size=3, replace=False), CLOSINGS[i % len(CLOSINGS)]])
        rows.append({"source": outlet, "headline": f"Entity List coverage {i}", "date": f"2019-10-{8 + i % 9:02d}",
                     "body": text})
    frame = pd.DataFrame(rows)
    assert set(frame.columns) == set(columns), "the README's sample CSV names other columns than this test"
    return frame[columns]


@pytest.mark.slow
def test_readme_quick_start_verbatim_gives_a_report_with_every_figure_drawn(project):
    commands, actors_block, columns = _quick_start()
    assert [shlex.split(c)[2:4] for c in commands] == [["analysis", "init"], ["analysis", "ingest"],
                                                       ["analysis", "run"]]
    assert "text" not in columns and "outlet" not in columns  # the point: an export's own column names
    _coverage(columns).to_csv(project / "coverage.csv", index=False, quoting=csv.QUOTE_MINIMAL)
    for i, command in enumerate(commands):
        argv = shlex.split(command)
        assert argv[0] == ".venv/bin/python"
        done = subprocess.run([sys.executable, *argv[1:]], cwd=project, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stderr[-3000:]}"
        if i == 0:  # between init and run the reader adds the README's [[actors]] example to study.toml
            study_file = project / "data" / "studies" / "my-study" / "study.toml"
            study_file.write_text(study_file.read_text() + "\n" + actors_block)

    report = project / "reports" / "my-study"
    sidecars = [json.loads(p.read_text()) for p in sorted((report / "figures").glob("*.json"))]
    failed = [s["name"] for s in sidecars if s.get("kind") == "failed"]
    assert not failed, f"figures that could not be drawn: {failed}"
    drawn = [s["name"] for s in sidecars if s.get("kind") not in ("omitted", "table", "failed")]
    assert len(drawn) >= 12
    assert any(name.startswith("actor_sentiment") for name in drawn)  # the actors were found and compared
    for name in drawn:
        pixels = np.asarray(Image.open(report / "figures" / f"{name}.png").convert("L"))
        ink = (pixels < 200).mean()
        assert 0.005 < ink < 0.9, f"{name}: {ink:.1%} of the image is ink (blank or solid)"

    articles = pd.read_parquet(project / "data" / "interim" / "my-study" / "articles.parquet")
    sentences = pd.read_parquet(project / "data" / "interim" / "my-study" / "sentences.parquet")
    assert len(articles) == 24 and set(articles["outlet"]) == set(OUTLETS)
    page = (report / "index.html").read_text()
    header = re.sub(r"<[^>]+>", " ", page[page.index("<body"):page.index("<nav")])
    assert f"{len(articles)} articles from {len(OUTLETS)} outlets" in header
    assert f"{len(sentences):,} sentences" in header
