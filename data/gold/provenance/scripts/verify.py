import pathlib
ALLSIDES = str(pathlib.Path(__file__).resolve().parents[5] / 'shared' / 'data' / 'allsides' / 'articles.jsonl.gz')
import csv,json,hashlib,collections,gzip
G=str(pathlib.Path(__file__).resolve().parents[1]) + '/'
A={}
for line in gzip.open(ALLSIDES,'rt'):
    a=json.loads(line); A[a['ID']]=a['content_original']
sha=lambda s: hashlib.sha1(s.encode()).hexdigest()[:12]
arts=list(csv.DictReader(open(G+'articles.csv')))
sp={r['allsides_id']:r['split'] for r in arts}; ev={r['allsides_id']:r['event'] for r in arts}
evsplit=collections.defaultdict(set)
for r in arts: evsplit[r['event']].add(r['split'])
assert all(len(v)==1 for v in evsplit.values()), evsplit
print('articles',collections.Counter(sp.values()),'events',collections.Counter(next(iter(v)) for v in evsplit.values()))
q=list(csv.DictReader(open(G+'quotes.csv'))); bad=0
for r in q:
    t=A[r['allsides_id']]; s,e=int(r['start']),int(r['end'])
    assert 0<=s<e<=len(t); 
    if sha(t[s:e])!=r['text_sha1']: bad+=1
    if t[s] in '"“”‘’\'' or t[e-1] in '"“”‘\'': print('edge',r['allsides_id'],r['quote_id'],repr(t[s:e][:40]),repr(t[s:e][-20:]))
print('quotes',len(q),'sha mismatches',bad, collections.Counter((sp[r['allsides_id']],r['kind']) for r in q))
print('speaker types',collections.Counter(r['speaker_type'] for r in q))
print('empty speakers',sum(1 for r in q if not r['speaker']))
ids=collections.defaultdict(list)
for r in q: ids[r['allsides_id']].append(int(r['quote_id']))
assert all(v==list(range(1,len(v)+1)) for v in ids.values())
sc=list(csv.DictReader(open(G+'scare_quotes.csv')))
for r in sc:
    t=A[r['allsides_id']]; s,e=int(r['start']),int(r['end']); assert sha(t[s:e])==r['text_sha1']
print('scare',len(sc),collections.Counter(sp[r['allsides_id']] for r in sc))
rp=list(csv.DictReader(open(G+'reuse_pairs.csv')))
for r in rp: assert r['allsides_id_a']<r['allsides_id_b'] and sp[r['allsides_id_a']]==sp[r['allsides_id_b']]
print('reuse',len(rp),collections.Counter((sp[r['allsides_id_a']],r['relation']) for r in rp))
print('wire credits',collections.Counter(r['wire_credits'] for r in arts))
print('quotes per article min/max',min(len(v) for v in ids.values()),max(len(v) for v in ids.values()), 'articles w/o quotes', set(sp)-set(ids))
