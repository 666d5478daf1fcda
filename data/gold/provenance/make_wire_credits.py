#!/usr/bin/env python
"""Regenerate wire_credits.csv from the annotator's scratch notes (wire_notes.py, wire_notes_round2.py).

The notes hold text anchors from the articles, so they stay outside the repository. This script holds no
article text and does not import the toolkit. Each round's notes are one module; the `round` column says which
round labelled an article, so a later round's articles can be scored apart from those the rules were studied on.
Usage: .venv/bin/python data/gold/provenance/make_wire_credits.py NOTES_DIR [ALLSIDES_JSONL_GZ] [OUT_DIR]
"""
import csv, gzip, hashlib, importlib, json, os, sys

NOTES = sys.argv[1]
CORPUS = sys.argv[2] if len(sys.argv) > 2 else '../shared/data/allsides/articles.jsonl.gz'
OUT = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(os.path.abspath(__file__))
ROUNDS = {1: 'wire_notes', 2: 'wire_notes_round2'}
sys.path.insert(0, NOTES)
ROWS = []  # (round, id, agency, anchor, nth occurrence, form, note)
for number, module in ROUNDS.items():
    if os.path.exists(os.path.join(NOTES, module + '.py')):
        ROWS += [(number, *row) for row in importlib.import_module(module).NOTES]

wanted = {r[1] for r in ROWS}
docs = {}
with gzip.open(CORPUS, 'rt', encoding='utf-8') as fh:
    for line in fh:
        d = json.loads(line)
        if d['ID'] in wanted:
            docs[d['ID']] = d
sha = lambda s: hashlib.sha1(s.encode('utf-8')).hexdigest()[:12]
out = []
for number, doc, agency, anchor, nth, form, note in ROWS:
    text = docs[doc]['content_original']
    start = -1
    for _ in range(nth + 1):
        start = text.index(anchor, start + 1)
    end = start + len(anchor)
    out.append((doc, 'dev', docs[doc]['source'], docs[doc]['date_iso'], agency, start, end, sha(text[start:end]), form,
                note, number))
with open(os.path.join(OUT, 'wire_credits.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh)
    w.writerow(['allsides_id', 'split', 'outlet', 'date_iso', 'agency', 'start', 'end', 'text_sha1', 'form', 'notes',
                'round'])
    w.writerows(sorted(out, key=lambda r: (r[0], r[5])))
