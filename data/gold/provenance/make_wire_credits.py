#!/usr/bin/env python
"""Regenerate wire_credits.csv from the annotator's scratch notes (wire_notes.py).

The notes hold text anchors from the articles, so they stay outside the repository. This script holds no
article text and does not import the toolkit.
Usage: .venv/bin/python data/gold/provenance/make_wire_credits.py NOTES_DIR [ALLSIDES_JSONL_GZ] [OUT_DIR]
"""
import csv, gzip, hashlib, json, os, sys

NOTES = sys.argv[1]
CORPUS = sys.argv[2] if len(sys.argv) > 2 else '../shared/data/allsides/articles.jsonl.gz'
OUT = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, NOTES)
from wire_notes import NOTES as ROWS  # (id, agency, anchor, nth occurrence, form, note)

wanted = {r[0] for r in ROWS}
docs = {}
with gzip.open(CORPUS, 'rt', encoding='utf-8') as fh:
    for line in fh:
        d = json.loads(line)
        if d['ID'] in wanted:
            docs[d['ID']] = d
sha = lambda s: hashlib.sha1(s.encode('utf-8')).hexdigest()[:12]
out = []
for doc, agency, anchor, nth, form, note in ROWS:
    text = docs[doc]['content_original']
    start = -1
    for _ in range(nth + 1):
        start = text.index(anchor, start + 1)
    end = start + len(anchor)
    out.append((doc, 'dev', docs[doc]['source'], docs[doc]['date_iso'], agency, start, end, sha(text[start:end]), form, note))
with open(os.path.join(OUT, 'wire_credits.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh)
    w.writerow(['allsides_id', 'split', 'outlet', 'date_iso', 'agency', 'start', 'end', 'text_sha1', 'form', 'notes'])
    w.writerows(sorted(out, key=lambda r: (r[0], r[5])))
