#!/usr/bin/env python
"""Regenerate the provenance gold CSVs from the annotator's scratch notes.

The scratch notes (/tmp/gold_work/ann_*.txt, reuse_judged.tsv, sel.json) contain text anchors
from the articles and therefore are NOT stored in the repository. This script holds no article text.
Usage: .venv/bin/python data/gold/provenance/make_offsets.py [scratch_dir] [out_dir]
Requires the helper modules lib.py, cands.py, proc.py from the scratch dir (self-written; they do
not import the toolkit).
"""
import sys, os, csv, json, hashlib, itertools, collections
SCR = sys.argv[1] if len(sys.argv) > 1 else '/tmp/gold_work'
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, SCR); os.chdir(SCR)
from lib import runs            # longest shared token runs (lowercase, punctuation ignored)
from proc import build          # parses annotation notes -> spans
A = json.load(open('sel_articles.json')); S = json.load(open('sel.json'))
sha = lambda s: hashlib.sha1(s.encode('utf-8')).hexdigest()[:12]
split_of = {i: sp for sp, d in S.items() for ev, ids in d.items() for i in ids}
event_of = {i: ev for sp, d in S.items() for ev, ids in d.items() for i in ids}
meta = {}; Q = {}; SC = {}
for f in ('ann_dev.txt', 'ann_test.txt'):
    arts, q, s = build(f)
    for i in arts: meta[i] = arts[i]; Q[i] = q[i]; SC[i] = s[i]
assert set(meta) == set(split_of), set(split_of) ^ set(meta)
order = sorted(split_of, key=lambda i: (split_of[i], event_of[i], A[i]['date_iso'], i))
with open(os.path.join(OUT, 'articles.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh); w.writerow(['allsides_id','split','event','outlet','date_iso','wire_credits','original_outlet','notes'])
    for i in order:
        m = meta[i]; w.writerow([i, split_of[i], event_of[i], A[i]['source'], A[i]['date_iso'], m['w'], m['o'], m['n']])
with open(os.path.join(OUT, 'quotes.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh); w.writerow(['allsides_id','quote_id','start','end','text_sha1','kind','speaker','speaker_type'])
    for i in order:
        t = A[i]['content_original']
        for n, (s, e, k, (spk, ty)) in enumerate(sorted(Q[i], key=lambda x: (x[0], -x[1])), 1):
            w.writerow([i, n, s, e, sha(t[s:e]), k, spk, ty])
with open(os.path.join(OUT, 'scare_quotes.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh); w.writerow(['allsides_id','start','end','text_sha1'])
    for i in order:
        t = A[i]['content_original']
        for s, e in SC[i]: w.writerow([i, s, e, sha(t[s:e])])
J = {}
for line in open('reuse_judged.tsv', encoding='utf-8'):
    a, b, rel, d, note = line.rstrip('\n').split('\t'); J[(a, b)] = (rel, d, note)
rows = []
for sp in ('dev', 'test'):
    ids = sorted(i for i in split_of if split_of[i] == sp)
    for a, b in itertools.combinations(ids, 2):
        r = runs(A[a]['content_original'], A[b]['content_original'], 10)
        if not r: 
            assert (a, b) not in J, (a, b); continue
        assert (a, b) in J, ('unjudged pair', a, b)
        rel, d, note = J.pop((a, b)); rows.append([a, b, rel, d, r[0][0], note])
assert not J, ('judged pair without shared passage', J)
with open(os.path.join(OUT, 'reuse_pairs.csv'), 'w', newline='', encoding='utf-8') as fh:
    w = csv.writer(fh); w.writerow(['allsides_id_a','allsides_id_b','relation','direction','n_shared_words','notes'])
    w.writerows(rows)
print('written to', OUT)
