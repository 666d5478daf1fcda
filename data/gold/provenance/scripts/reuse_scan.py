import json,itertools
from lib import runs
A=json.load(open('sel_articles.json')); S=json.load(open('sel.json'))
out=[]
for sp,d in S.items():
    ids=[i for ev in d.values() for i in ev]
    ev_of={i:ev for ev,l in d.items() for i in l}
    for x,y in itertools.combinations(sorted(ids),2):
        r=runs(A[x]['content_original'],A[y]['content_original'],10)
        if r:
            out.append((sp,x,y,r[0][0]))
            print(f'== {sp} {x}({A[x]["source"][:12]},{ev_of[x][:10]}) {y}({A[y]["source"][:12]},{ev_of[y][:10]}) max={r[0][0]} n_runs={len(r)}')
            for l,s in r[:8]: print(f'     {l}: {s[:230]}')
json.dump(out,open('reuse_cands.json','w'))
