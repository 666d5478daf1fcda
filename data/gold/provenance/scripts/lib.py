import pathlib
ALLSIDES = str(pathlib.Path(__file__).resolve().parents[5] / 'shared' / 'data' / 'allsides' / 'articles.jsonl.gz')
import gzip,json,re
P=ALLSIDES
_A=None
def load():
    global _A
    if _A is None:
        _A={}
        for line in gzip.open(P,'rt'):
            a=json.loads(line); _A[a['ID']]=a
    return _A
def toks(s):
    return [m.group(0) for m in re.finditer(r"[a-z0-9]+", s.lower().replace("’","").replace("'",""))]
def lcs_run(a,b):
    ta,tb=toks(a),toks(b)
    pos={}
    for i in range(len(tb)): pos.setdefault(tb[i],[]).append(i)
    best=0;bi=0
    prev={}
    for i,w in enumerate(ta):
        cur={}
        for j in pos.get(w,()):
            cur[j]=prev.get(j-1,0)+1
            if cur[j]>best: best=cur[j];bi=i
        prev=cur
    return best,' '.join(ta[bi-best+1:bi+1])
def runs(a,b,minlen=10):
    """all maximal shared runs >=minlen (token strings)"""
    ta,tb=toks(a),toks(b)
    pos={}
    for i in range(len(tb)): pos.setdefault(tb[i],[]).append(i)
    prev={};out=[]
    for i,w in enumerate(ta+['\0']):
        cur={}
        for j in pos.get(w,()):
            cur[j]=prev.get(j-1,0)+1
        for j,l in prev.items():
            if l>=minlen and cur.get(j+1,0)==0:
                out.append((l,' '.join(ta[i-l:i])))
        prev=cur
    # dedupe
    out=sorted(set(out),reverse=True)
    return out
