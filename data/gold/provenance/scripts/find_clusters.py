import pathlib
ALLSIDES = str(pathlib.Path(__file__).resolve().parents[5] / 'shared' / 'data' / 'allsides' / 'articles.jsonl.gz')
import gzip, json, re, hashlib, itertools, collections, datetime as dt
P=ALLSIDES
TOPIC=re.compile(r'\b(china|chinese|beijing|huawei|zte|xi jinping|xinjiang|uighur|uyghur|hong kong|tariff|trade war|entity list)\b',re.I)
arts={}
with gzip.open(P,'rt') as f:
    for line in f:
        a=json.loads(line)
        d=a.get('date_iso')
        if not d or not ('2018-01-01'<=d<='2020-12-31'): continue
        t=(a.get('title') or '')+' '+(a.get('content_original') or '')
        hits=len(re.findall(r'\b(china|chinese|beijing|huawei|zte)\b',t,re.I))
        if hits<3: continue
        arts[a['ID']]=a
print(len(arts))
def toks(s): return re.findall(r"[a-z0-9]+", s.lower().replace("’","'").replace("'",""))
sh={}
for i,a in arts.items():
    w=toks(a['content_original'])
    sh[i]=set(hashlib.md5(' '.join(w[k:k+8]).encode()).hexdigest()[:12] for k in range(len(w)-7))
inv=collections.defaultdict(set)
for i,s in sh.items():
    for h in s: inv[h].add(i)
pairs=collections.Counter()
for h,ids in inv.items():
    if 1<len(ids)<30:
        for x,y in itertools.combinations(sorted(ids),2): pairs[(x,y)]+=1
D=lambda s: dt.date.fromisoformat(s)
out=[]
for (x,y),n in pairs.items():
    if abs((D(arts[x]['date_iso'])-D(arts[y]['date_iso'])).days)<=3 and arts[x]['source']!=arts[y]['source'] and n>=2:
        out.append((n,x,y))
out.sort(reverse=True)
json.dump([(n,x,y) for n,x,y in out],open('pairs.json','w'))
# connected components
par={}
def fd(a):
    while par.setdefault(a,a)!=a: a=par[a]
    return a
for n,x,y in out: par[fd(x)]=fd(y)
comp=collections.defaultdict(set)
for n,x,y in out: comp[fd(x)].add(x); comp[fd(x)].add(y)
comps=sorted(comp.values(),key=lambda c:min(arts[i]['date_iso'] for i in c))
for c in comps:
    print('=== size',len(c))
    for i in sorted(c,key=lambda i:arts[i]['date_iso']):
        a=arts[i]; print(' ',i,a['date_iso'],a['source'][:25].ljust(25),len(a['content_original']),a['title'][:90])
json.dump({i:arts[i] for c in comps for i in c},open('cand_articles.json','w'))
