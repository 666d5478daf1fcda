"""The stages in order, with the one line of help each shows: what ``python -m analysis --help`` needs.

Kept apart from :mod:`analysis.run.dag`, which imports every stage's module (and with them the scientific
stack), so that the command line can list and check its subcommands in a fraction of a second.
"""

STAGE_HELP = {
    "collect": "fetch the study's URL lists and feeds politely into data/raw/<study>/web (incremental)",
    "ingest": "read every source of the study into the articles_raw table",
    "clean": "remove boilerplate, mark duplicates and flag quality problems, logging every action",
    "prepare": "split articles into sentences with character offsets",
    "measure": "score sentence sentiment with each instrument, find actor mentions and the sentiment toward each "
               "actor",
    "frame": "frames (codebooks and a supervised classifier), word choice per referent, distinctive terms, topics "
             "and loaded language, per article and group",
    "compare": "summarise and contrast groups with article-level bootstrap CIs",
    "provenance": "text reuse (who copied whom), reuse-aware contrasts, quotes and their sources, and which facts "
                  "each outlet reported or left out",
    "validate": "check every instrument against human labels (VADER NYT, NewsMTSC, Narrative Frames, BABE, NeuS "
                "same-event clusters)",
    "report": "execute the notebooks into figures, tables and reports/<study>/index.html",
}
# What `codesheet export/import --measure` accepts (checked against analysis.validation.codesheets by a test).
CODESHEET_MEASURES = ("frames", "sentiment", "actor-sentiment", "quotes")
