import json,re,sys,hashlib,csv,collections
from cands import candidates,A
T={'us':'us_government','cn':'chinese_government','go':'government_other','co':'company','ngo':'ngo_advocacy','ex':'expert','me':'media','an':'anonymous','ot':'other','un':'unknown'}
K={'d':'direct','p':'partial','r':'reported'}
def trim(t,s,e):
    while e>s and t[e-1] in ' ,\n': e-=1
    while s<e and t[s] in ' \n': s+=1
    return s,e
def anchor(t,a,frm=0):
    occ=1;given=False
    m=re.match(r'^(.*)@(\d+)$',a)
    if m: a,occ=m.group(1),int(m.group(2));given=True
    idx=-1;p=frm
    for _ in range(occ):
        idx=t.find(a,p)
        if idx<0: raise ValueError('anchor not found: '+a)
        p=idx+1
    if not given and t.find(a,idx+1)>=0: raise ValueError('ambiguous anchor: '+a)
    return idx
def span(t,spec):
    if ' ~~ ' in spec:
        a,b=spec.split(' ~~ ')
        s=anchor(t,a); e=t.find(b,s)
        if e<0: raise ValueError('end anchor not found: '+b)
        return s,e+len(b)
    s=anchor(t,spec); return s,s+len(re.sub(r'@\d+$','',spec))
def sp(x):
    name,ty=x.rsplit('|',1); return name.strip(),T[ty.strip()]
def parse(path):
    arts=collections.OrderedDict(); cur=None
    for ln,line in enumerate(open(path),1):
        line=line.rstrip('\n')
        if not line.strip() or line.startswith('//'): continue
        try:
            if line.startswith('@ '):
                cur=line[2:].strip(); arts[cur]={'w':'','o':'','n':'','c':{},'m':[]}; continue
            a=arts[cur]; t=A[cur]['content_original']
            tag,rest=(line.split(' ',1)+[''])[:2]
            if tag in 'won' and len(tag)==1: a[tag]=rest.strip(); continue
            if tag.isdigit():
                p=rest.split(' ',1); kind=p[0]
                a['c'][int(tag)]=(kind,sp(p[1]) if kind in 'dp' else None); continue
            if tag=='m':
                kind,r2=rest.split(' ',1); spec,spk=r2.split(' || ')
                s,e=span(t,spec); a['m'].append((s,e,K[kind],sp(spk))); continue
            if tag=='r':
                spec,spk=rest.split(' || ')
                s,e=span(t,spec); a['m'].append((s,e,'reported',sp(spk))); continue
            if tag=='q':
                s,e=span(t,rest); a['m'].append((s,e,'scare',None)); continue
            raise ValueError('bad tag')
        except Exception as ex:
            print(f'LINE {ln}: {line}\n   -> {ex}'); 
    return arts
def build(path):
    arts=parse(path); Q={};S={}
    for i,a in arts.items():
        t=A[i]['content_original']; c=candidates(t)
        miss=[n for n in range(1,len(c)+1) if n not in a['c']]
        if miss: print('UNLABELLED candidates',i,miss)
        qs=[];sc=[]
        for n,(kind,spk) in a['c'].items():
            s,e,_=c[n-1]; s,e=trim(t,s,e)
            if kind in ('d','p'): qs.append((s,e,K[kind],spk))
            elif kind=='s': sc.append((s,e))
            elif kind!='x': print('bad kind',i,n,kind)
        for s,e,k,spk in a['m']:
            if k=='scare': sc.append((s,e))
            else: qs.append((s,e,k,spk))
        qs.sort(); Q[i]=qs; S[i]=sorted(sc)
        # overlap check
        for x,y in zip(qs,qs[1:]):
            if y[0]<x[1]: print('OVERLAP',i,x[:3],y[:3],repr(t[y[0]:x[1]][:60]))
    return arts,Q,S
if __name__=='__main__':
    arts,Q,S=build(sys.argv[1])
    for i in arts:
        print(i,len(Q[i]),'quotes',collections.Counter(q[2] for q in Q[i]),len(S[i]),'scare')
        if len(sys.argv)>2:
            t=A[i]['content_original']
            for q in Q[i]: print('   ',q[2][:3],q[3],'|',t[q[0]:q[1]][:90].replace('\n','/'))
