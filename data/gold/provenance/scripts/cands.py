import json,re,sys
A=json.load(open('/tmp/gold_work/sel_articles.json'))
OPEN={'“':'”','«':'»','‘':'’'}
def candidates(t):
    """return list of (start,end) inner spans of quote-mark pairs; my own simple heuristics"""
    c=[]
    # curly doubles, allow multi-paragraph continuation: “...\n\n“...”
    i=0
    for m in re.finditer(r'“',t):
        pass
    pos=0
    while True:
        s=t.find('“',pos)
        if s<0: break
        e=t.find('”',s+1)
        nxt=t.find('“',s+1)
        # paragraph continuation: next open comes before close, and a paragraph break lies between
        while nxt!=-1 and (e==-1 or nxt<e):
            if '\n' in t[s:nxt] and t[nxt-1]=='\n':
                nxt=t.find('“',nxt+1)  # continuation
            else:
                break
        if e==-1:
            c.append((s+1,len(t),'unclosed')); break
        if nxt!=-1 and nxt<e:
            # unclosed before next open in same paragraph
            pe=t.find('\n',s); pe=len(t) if pe<0 else pe
            c.append((s+1,min(nxt,pe),'unclosed')); pos=nxt; continue
        c.append((s+1,e,'')); pos=e+1
    # straight doubles per paragraph-chain
    qs=[m.start() for m in re.finditer('"',t)]
    k=0
    while k<len(qs):
        s=qs[k]
        if k+1<len(qs):
            e=qs[k+1]
            seg=t[s+1:e]
            if '\n' in seg and t[e-1]=='\n' :
                # continuation paragraph: find next quote after reopening
                j=k+1
                while j+1<len(qs) and t[qs[j]-1]=='\n' and '\n' in t[qs[j-1]:qs[j]]:
                    j+=1
                    if '\n' not in t[qs[j-1]+1:qs[j]]: break
                c.append((s+1,qs[j],'multi?')); k=j+1; continue
            c.append((s+1,e,'')); k+=2
        else:
            c.append((s+1,len(t),'unclosed')); k+=1
    # single curly ‘ ... ’ (’ not followed by a letter)
    for m in re.finditer(r"‘",t):
        s=m.start()
        for mm in re.finditer(r"’(?![A-Za-z])",t[s+1:s+400]):
            e=s+1+mm.start(); c.append((s+1,e,'single')); break
    for m in re.finditer(r"(?:(?<=^)|(?<=[\s(\[“\"]))'(?=[A-Za-z0-9$])",t,re.M):
        s=m.start()
        mm=re.search(r"(?<=[A-Za-z0-9.,!?%])'(?=[\s.,;:!?)”\"]|$)",t[s+1:s+400])
        if mm: c.append((s+1,s+1+mm.start(),'single'))
    c=sorted(set(c))
    return c
def show(i):
    t=A[i]['content_original']; c=candidates(t)
    marks={}
    for n,(s,e,f) in enumerate(c,1):
        marks.setdefault(s,[]).append(f'⟦{n}⟧'); marks.setdefault(e,[]).append(f'⟦/{n}⟧')
    out=[]
    for p in range(len(t)+1):
        if p in marks: out.append(''.join(marks[p]))
        if p<len(t): out.append(t[p])
    a=A[i]
    print(f"##### {i} | {a['source']} | {a['date_iso']} | {a['title']} | authors={a.get('authors')} | len={len(t)} | ncand={len(c)}")
    print(''.join(out))
    print()
if __name__=='__main__':
    for i in sys.argv[1:]: show(i)
