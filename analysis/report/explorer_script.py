"""The explorer page's own script and style (kept in a module so the code fingerprint covers them).

Hand-written vanilla JavaScript, no framework: it only reads the embedded JSON, fills Bokeh's data sources and
writes evidence panels. Every piece of article text reaches the page through ``textContent`` or a text node, never
``innerHTML``, and a link's ``href`` is set only for http(s) URLs, so no headline, outlet or sentence can run.
"""

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;line-height:1.4;color:#222}
header{padding:.6rem 1rem;background:#f3f3f3;border-bottom:1px solid #ccc}h1{font-size:1.3rem;margin:.2rem 0}
nav button{margin:.2rem .3rem .2rem 0;padding:.3rem .7rem;border:1px solid #999;background:#fff;cursor:pointer}
nav button[aria-selected=true]{background:#1f5a96;color:#fff}
main{padding:0 1rem 2rem}.controls{margin:.5rem 0}.controls label{margin-right:1rem}
.evidence{margin-top:1rem}.note{color:#555;font-size:.9rem}.list{max-height:24rem;overflow:auto;
border:1px solid #ddd;margin:.4rem 0}.list .item{padding:.25rem .5rem;border-bottom:1px solid #eee;cursor:pointer}
.list .item:hover{background:#eef4fb}.two{display:flex;gap:1rem}.two>div{flex:1}
table{border-collapse:collapse;font-size:.9rem;width:100%}td,th{border-bottom:1px solid #e5e5e5;padding:.25rem
.4rem;vertical-align:top;text-align:left}mark{background:none}mark.reuse{background:#ffd6d6}
mark.quote{background:#cde3ff}mark.label{background:#d8f5d0}mark.cue{background:#ffe27a;font-weight:600}.badge{font-size:.75rem;padding:0 .3rem;
border-radius:.2rem;background:#eee}.badge.own{background:#dbe9d4}.badge.other{background:#f4dcc4}
.side{display:flex;gap:1rem}.side>div{flex:1;background:#fafafa;padding:.4rem;border:1px solid #eee}
#article-view p{margin:.3rem 0}
"""

SCRIPT = r"""
(function () {
  'use strict';
  const D = JSON.parse(document.getElementById('explorer-data').textContent);
  const PLOTS = JSON.parse(document.getElementById('explorer-plots').textContent);
  const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
                   '#bcbd22', '#17becf'];
  const cache = {};
  const uniq = (xs) => Array.from(new Set(xs)).sort();
  const decode = (c) => (c && c.levels ? c.codes.map((k) => c.levels[k]) : (c || []));
  function rows(name, obj) {
    if (cache[name]) return cache[name];
    obj = obj || D[name] || {};
    const keys = Object.keys(obj), cols = {};
    keys.forEach((k) => { cols[k] = decode(obj[k]); });
    const n = keys.length ? cols[keys[0]].length : 0, out = [];
    for (let i = 0; i < n; i++) { const r = {i: i}; keys.forEach((k) => { r[k] = cols[k][i]; }); out.push(r); }
    return (cache[name] = out);
  }
  const A = rows('articles'), S = rows('sentences');
  const byDoc = {}; A.forEach((a) => { byDoc[a.doc_id] = a; });
  const groupsOf = {};  // outlet -> {group_var: value}
  A.forEach((a) => { groupsOf[a.outlet] = groupsOf[a.outlet] || a; });

  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) node.setAttribute(k, v); });
    kids.flat().forEach((k) => { if (k !== null && k !== undefined) node.append(k instanceof Node ? k : String(k)); });
    return node;
  }
  function marked(text, marks) {
    // text cut at every mark's ends; each piece inside marks becomes one <mark> carrying all their classes, so a
    // frame cue inside a quote inside a copied passage shows all three (text nodes only, never markup)
    marks = marks.filter((m) => m.start >= 0 && m.end > m.start);
    const cuts = Array.from(new Set([0, text.length, ...marks.flatMap((m) => [m.start, m.end])]))
      .filter((c) => c <= text.length).sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let k = 0; k + 1 < cuts.length; k++) {
      const [a, b] = [cuts[k], cuts[k + 1]], on = marks.filter((m) => m.start <= a && m.end >= b);
      if (!on.length) { frag.append(text.slice(a, b)); continue; }
      frag.append(el('mark', {class: uniq(on.map((m) => m.cls || 'cue')).join(' '),
                              title: on.map((m) => m.title).filter(Boolean).join('; ') || null}, text.slice(a, b)));
    }
    return frag;
  }
  function articleLink(a) {
    const span = el('span', {class: 'art'});
    span.append(el('a', {href: '#article=' + encodeURIComponent(a.doc_id), 'data-doc': a.doc_id},
                   a.title || a.doc_id));
    if (/^https?:\/\//i.test(a.url || '')) span.append(' ', el('a', {href: a.url, rel: 'noopener noreferrer',
                                                                     target: '_blank'}, '[source]'));
    return span;
  }
  function table(head, body) {
    return el('table', {}, el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))), el('tbody', {}, body));
  }
  function panel(view, title, note, content) {
    const box = document.getElementById(view + '-evidence');
    box.replaceChildren(el('h3', {}, title));
    if (note) box.append(el('p', {class: 'note'}, note));
    box.append(content);
    return box;
  }
  function sampledNote(kind, match) {  // "outlet X: 50 of 312 rows shown" for cells that were sampled
    const cells = rows('sampled_' + kind, D.sampled[kind]).filter(match);
    if (!cells.length) return '';
    const parts = cells.map((c) => (c.outlet || c._cell || c.outlet_a || '') + ': ' + c.shown + ' of ' + c.n);
    return 'Sampled (seeded random draw, seed ' + D.meta.seed + ', at most ' + D.meta.cap + ' per cell): ' +
      parts.join('; ') + '.';
  }
  const sentence = (s) => S[s];
  const articleOf = (s) => A[S[s].doc];
  function scoreCells(s) {
    return D.scores.instruments.map((name, k) => {
      const v = D.scores.values[k][s];
      return name + ' ' + (v === null || v === undefined ? 'n/a' : v.toFixed(3));
    }).join('; ');
  }
  function fillSelect(id, values, keep) {
    const sel = document.getElementById(id);
    const old = sel.value;
    sel.replaceChildren(...values.map((v) => el('option', {value: v}, v)));
    if (keep && values.includes(old)) sel.value = old;
    return sel;
  }
  const preferred = (opts) => ['leaning', 'outlet_type', 'outlet', 'country'].find((g) => opts.includes(g)) || opts[0];

  // ---- Bokeh models ----------------------------------------------------------------------------------------
  function model(name) {
    for (const doc of (window.Bokeh ? Bokeh.documents : [])) { const m = doc.get_model_by_name(name); if (m) return m; }
    return null;
  }
  function setSource(name, data) { const m = model(name); if (m) { m.selected.indices = []; m.data = data; } }

  // ---- Terms -----------------------------------------------------------------------------------------------
  const TERMS = rows('terms_rows', D.terms.rows), TERM_HITS = rows('term_hits');
  function drawTerms() {
    const gv = document.getElementById('terms-group_var').value;
    const groups = uniq(TERMS.filter((r) => r.group_var === gv).map((r) => r.group_a + ' vs ' + r.group_b));
    const g = fillSelect('terms-group', groups, true).value;
    const shown = TERMS.filter((r) => r.group_var === gv && r.group_a + ' vs ' + r.group_b === g);
    const cmap = model('terms_cmap'), zmax = Math.max(2, ...shown.map((r) => Math.abs(r.z)));
    if (cmap) { cmap.low = -zmax; cmap.high = zmax; }
    const top = shown.slice().sort((a, b) => b.z - a.z).slice(0, 15).map((r) => r.i);
    setSource('terms_src', {x: shown.map((r) => r.n_other + 1), y: shown.map((r) => r.n + 1),
      term: shown.map((r) => D.terms.levels[r.term]), z: shown.map((r) => r.z), n: shown.map((r) => r.n),
      n_other: shown.map((r) => r.n_other), alpha: shown.map((r) => (r.stable ? 0.95 : 0.45)),
      line: shown.map((r) => (r.stable ? '#222222' : '#aaaaaa')), stable: shown.map((r) => (r.stable ? 'yes' : 'no')),
      label: shown.map((r) => (top.includes(r.i) ? D.terms.levels[r.term] : '')), row: shown.map((r) => r.i)});
  }
  function showTerm(code) {
    const term = D.terms.levels[code];
    const hits = TERM_HITS.filter((h) => h.term === code);
    const byOutlet = {};
    hits.forEach((h) => { const o = articleOf(h.s).outlet; (byOutlet[o] = byOutlet[o] || []).push(h); });
    const body = el('div', {'data-term': term});
    Object.keys(byOutlet).sort().forEach((o) => {
      body.append(el('h4', {}, o + ' (' + byOutlet[o].length + ' sentences)'));
      body.append(table(['sentence', 'article'], byOutlet[o].map((h) => el('tr', {class: 'ev-row',
        'data-doc': articleOf(h.s).doc_id, 'data-sent': sentence(h.s).sid, 'data-outlet': o},
        el('td', {}, marked(sentence(h.s).text, [{start: h.start, end: h.end}])),
        el('td', {}, articleLink(articleOf(h.s)))))));
    });
    panel('terms', '“' + term + '”: ' + hits.length + ' sentences', sampledNote('terms', (c) => c.term === term) ||
          'Every sentence whose words include the term (the distinctive-terms tokenizer).', body);
  }

  // ---- Frames ----------------------------------------------------------------------------------------------
  const PROFILES = rows('frame_profiles'), FRAME_EV = rows('frame_evidence');
  function drawFrames() {
    const cb = document.getElementById('frames-codebook').value, ms = document.getElementById('frames-measure').value;
    const gv = document.getElementById('frames-group_var').value;
    const frames = ['(all frames)'].concat(uniq(PROFILES.filter((r) => r.codebook === cb).map((r) => r.frame)));
    const fr = fillSelect('frames-frame', frames, true).value;
    const shown = PROFILES.filter((r) => r.codebook === cb && r.measure === ms && r.group_var === gv &&
                                  (fr === '(all frames)' || r.frame === fr))
      .sort((a, b) => (a.frame < b.frame ? -1 : a.frame > b.frame ? 1 : a.group < b.group ? -1 : 1));
    fillBars('frames', shown, (r) => [r.frame, r.group]);
  }
  function fillBars(view, shown, factor) {
    const factors = shown.map(factor);
    const plot = model(view + '_plot'), y = model(view + '_y');
    if (y) y.factors = factors;
    if (plot) plot.height = Math.max(220, 60 + 18 * factors.length);
    setSource(view + '_src', {y: factors, mean: shown.map((r) => r.mean), lo: shown.map((r) => r.ci_low ?? r.mean),
      hi: shown.map((r) => r.ci_high ?? r.mean), group: shown.map((r) => r.group), n: shown.map((r) => r.n_articles),
      key: shown.map((r) => r.frame || r.instrument), row: shown.map((r) => r.i)});
  }
  const inGroup = (a, gv, g) => (a[gv] === g);
  function showFrameCell(r) {
    const ev = FRAME_EV.filter((e) => e.codebook === r.codebook && e.frame === r.frame &&
                                     inGroup(articleOf(e.s), r.group_var, r.group));
    const voiceLabel = (v) => (v === 'outlet' ? 'own voice' : v ? v : 'voice unknown');
    const body = table(['outlet', 'voice', 'sentence (cue marked)', 'article'], ev.map((e) => el('tr', {
      class: 'ev-row', 'data-doc': articleOf(e.s).doc_id, 'data-sent': sentence(e.s).sid,
      'data-cue': sentence(e.s).text.slice(e.start, e.end)},
      el('td', {}, articleOf(e.s).outlet), el('td', {}, el('span', {class: 'badge ' + (e.voice === 'outlet' ? 'own' :
        'other')}, voiceLabel(e.voice))), el('td', {}, marked(sentence(e.s).text, [{start: e.start, end: e.end}])),
      el('td', {}, articleLink(articleOf(e.s))))));
    panel('frames', r.frame + ' in ' + r.group + ' (' + r.group_var + '): ' + ev.length + ' evidence sentences',
          (r.measure + ' ' + (r.mean ?? NaN).toFixed(3) + ', ' + r.n_articles + ' articles; ' + r.ci_method + '. ') +
          sampledNote('frames', (c) => c.codebook === r.codebook && c.frame === r.frame &&
                                       inGroup(groupsOf[c.outlet] || {}, r.group_var, r.group)), body);
  }

  // ---- Sentiment -------------------------------------------------------------------------------------------
  const SENT = rows('sentiment'), ACTOR = rows('actor_sentiment');
  const SENT_EV = rows('sentiment_evidence'), ACTOR_EV = rows('actor_evidence');
  function sentimentTable() {
    const target = document.getElementById('sentiment-target').value;
    return target === 'article' ? SENT : ACTOR.filter((r) => r.actor === target);
  }
  function drawSentiment() {
    const table_ = sentimentTable();
    const ins = fillSelect('sentiment-instrument', uniq(table_.map((r) => r.instrument)), true).value;
    const gv = fillSelect('sentiment-group_var', uniq(table_.map((r) => r.group_var)), true).value;
    fillBars('sentiment', table_.filter((r) => r.instrument === ins && r.group_var === gv)
      .sort((a, b) => (a.group < b.group ? 1 : -1)), (r) => r.group);
  }
  function showSentiment(r) {
    const target = document.getElementById('sentiment-target').value;
    let ev, head, cells;
    if (target === 'article') {
      ev = SENT_EV.filter((e) => e.instrument === r.instrument && inGroup(groupsOf[e.outlet] || {}, r.group_var, r.group))
        .sort((a, b) => (a.outlet < b.outlet ? -1 : a.outlet > b.outlet ? 1 : a.rank - b.rank));
      head = ['outlet', 'rank', 'score', 'pull', 'sentence', 'every instrument', 'article'];
      cells = (e) => [e.outlet, e.rank, e.score.toFixed(3), e.pull.toFixed(4)];
    } else {
      ev = ACTOR_EV.filter((e) => e.actor === target && e.instrument === r.instrument &&
                                  inGroup(articleOf(e.s), r.group_var, r.group));
      const others = {};
      ACTOR_EV.filter((e) => e.actor === target).forEach((e) => {
        (others[e.s] = others[e.s] || []).push(e.instrument + ' ' + e.label + ' ' + e.score.toFixed(3)); });
      head = ['outlet', 'label', 'score', 'toward ' + target + ' (every instrument)', 'sentence',
              'sentence sentiment (every instrument)', 'article'];
      cells = (e) => [articleOf(e.s).outlet, e.label, e.score.toFixed(3), others[e.s].join('; ')];
    }
    const body = table(head, ev.map((e) => el('tr', {class: 'ev-row', 'data-doc': articleOf(e.s).doc_id,
      'data-sent': sentence(e.s).sid}, cells(e).map((c) => el('td', {}, c)),
      el('td', {}, sentence(e.s).text), el('td', {}, scoreCells(e.s)), el('td', {}, articleLink(articleOf(e.s))))));
    const note = target === 'article' ? 'The sentences that move each outlet’s mean most (sentiment_evidence).'
      : sampledNote('actors', (c) => c.actor === target) || 'Every scored sentence that mentions ' + target + '.';
    panel('sentiment', (target === 'article' ? 'Sentiment' : target) + ', ' + r.instrument + ', ' + r.group + ': ' +
          ev.length + ' sentences', note, body);
  }

  // ---- Quotes ----------------------------------------------------------------------------------------------
  const QUOTES = rows('quotes');
  const QUOTE_IDS = (() => {
    const by = {};
    QUOTES.forEach((q) => {
      const g = (by[q.quote_id] = by[q.quote_id] || {id: q.quote_id, text: '', outlets: new Set(), docs: new Set(),
                                                      speakers: new Set()});
      if (q.text.length > g.text.length) g.text = q.text;
      g.outlets.add(A[q.doc].outlet); g.docs.add(q.doc); if (q.speaker) g.speakers.add(q.speaker);
    });
    return Object.values(by).sort((a, b) => b.outlets.size - a.outlets.size || b.docs.size - a.docs.size ||
                                          (a.id < b.id ? -1 : 1));
  })();
  function quoteRows(qs) {
    return table(['outlet', 'speaker', 'source type', 'date', 'kind', 'quote', 'article'], qs.map((q) => el('tr', {
      class: 'ev-row', 'data-doc': A[q.doc].doc_id, 'data-seq': q.quote_seq}, el('td', {}, A[q.doc].outlet),
      el('td', {}, q.speaker || '(none)'), el('td', {}, q.source_type), el('td', {}, A[q.doc].date),
      el('td', {}, q.kind), el('td', {}, q.text), el('td', {}, articleLink(A[q.doc])))));
  }
  function showQuote(id) {
    const qs = QUOTES.filter((q) => q.quote_id === id);
    const outlets = new Set(qs.map((q) => A[q.doc].outlet));
    panel('quotes', 'Quote ' + id + ': ' + qs.length + ' occurrences in ' + outlets.size + ' outlets', '', quoteRows(qs));
  }
  function showSpeaker(name) {
    const qs = QUOTES.filter((q) => q.speaker === name);
    panel('quotes', name + ': ' + qs.length + ' quotes', '', quoteRows(qs));
  }
  function drawQuotes() {
    const needle = document.getElementById('quotes-search').value.toLowerCase();
    const list = QUOTE_IDS.filter((g) => !needle || g.text.toLowerCase().includes(needle)).slice(0, 300);
    document.getElementById('quotes-list').replaceChildren(...list.map((g) => el('div', {class: 'item',
      'data-quote': g.id}, el('strong', {}, g.outlets.size + ' outlets'), ' ', g.text,
      g.speakers.size ? ' — ' + Array.from(g.speakers).join(', ') : '')));
    const sneedle = document.getElementById('speakers-search').value.toLowerCase();
    const counts = {};
    QUOTES.forEach((q) => { if (q.speaker) counts[q.speaker] = (counts[q.speaker] || 0) + 1; });
    const speakers = Object.keys(counts).filter((s) => !sneedle || s.toLowerCase().includes(sneedle))
      .sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : 1)).slice(0, 300);
    document.getElementById('speakers-list').replaceChildren(...speakers.map((s) => el('div', {class: 'item',
      'data-speaker': s}, s + ' (' + counts[s] + ')')));
  }

  // ---- Copying ---------------------------------------------------------------------------------------------
  const PAIRS = rows('reuse_pairs'), PASSAGES = rows('reuse_passages');
  function drawCopying() {
    const outlets = uniq(PAIRS.flatMap((p) => [A[p.a].outlet, A[p.b].outlet]));
    const at = {}, colour = {};
    outlets.forEach((o, k) => { const t = 2 * Math.PI * k / Math.max(outlets.length, 1);
      at[o] = [Math.cos(t), Math.sin(t)]; colour[o] = PALETTE[k % PALETTE.length]; });
    const docs = uniq(PAIRS.flatMap((p) => [p.a, p.b]).map(String)).map(Number), pos = {};
    outlets.forEach((o) => {
      const mine = docs.filter((d) => A[d].outlet === o);
      mine.forEach((d, k) => { const t = 2 * Math.PI * k / mine.length, r = mine.length > 1 ? 0.12 : 0;
        pos[d] = [at[o][0] + r * Math.cos(t), at[o][1] + r * Math.sin(t)]; });
    });
    setSource('reuse_nodes', {x: docs.map((d) => pos[d][0]), y: docs.map((d) => pos[d][1]),
      color: docs.map((d) => colour[A[d].outlet]), outlet: docs.map((d) => A[d].outlet),
      title: docs.map((d) => A[d].title)});
    setSource('reuse_labels', {x: outlets.map((o) => at[o][0] * 1.22), y: outlets.map((o) => at[o][1] * 1.22),
      text: outlets});
    setSource('reuse_edges', {x0: PAIRS.map((p) => pos[p.a][0]), y0: PAIRS.map((p) => pos[p.a][1]),
      x1: PAIRS.map((p) => pos[p.b][0]), y1: PAIRS.map((p) => pos[p.b][1]),
      width: PAIRS.map((p) => 1 + 6 * Math.max(p.containment_a_in_b || 0, p.containment_b_in_a || 0)),
      color: PAIRS.map((p) => (p.relation === 'shared_quote' ? '#2b7bba' : '#c0392b')),
      row: PAIRS.map((p) => p.i), label: PAIRS.map((p) => A[p.a].outlet + ' — ' + A[p.b].outlet)});
    document.getElementById('copying-list').replaceChildren(...PAIRS.map((p) => el('div', {class: 'item',
      'data-pair': p.i}, A[p.a].outlet + ' — ' + A[p.b].outlet + ': ' + p.shared_passages + ' passages, ' +
      p.relation + ', ' + p.direction)));
  }
  function showPair(k) {
    const p = PAIRS[k], a = A[p.a], b = A[p.b];
    const ps = PASSAGES.filter((x) => x.pair === k);
    const body = el('div', {});
    ps.forEach((x) => body.append(el('div', {class: 'side ev-row', 'data-pair': k, 'data-passage': x.passage},
      el('div', {}, el('p', {class: 'note'}, a.outlet + ', passage ' + x.passage + ', ' + x.n_words + ' words' +
        (x.quoted ? ' (a shared quotation)' : '')), x.a_text),
      el('div', {}, el('p', {class: 'note'}, b.outlet), x.b_text))));
    const head = el('p', {}, articleLink(a), ' (' + a.outlet + ', ' + a.date + ') and ', articleLink(b),
                    ' (' + b.outlet + ', ' + b.date + ')');
    panel('copying', a.outlet + ' — ' + b.outlet + ': ' + ps.length + ' aligned passages',
          'direction ' + p.direction + ', ' + p.relation + ', containment ' + (p.containment_a_in_b ?? 0).toFixed(2) +
          ' / ' + (p.containment_b_in_a ?? 0).toFixed(2), el('div', {}, head, body));
  }

  // ---- Articles --------------------------------------------------------------------------------------------
  const sentencesOf = {};
  S.forEach((s, k) => { (sentencesOf[s.doc] = sentencesOf[s.doc] || []).push(k); });
  const haystack = {};
  const textOf = (d) => (haystack[d] = haystack[d] ||
    (A[d].title + ' ' + (sentencesOf[d] || []).map((k) => S[k].text).join(' ')).toLowerCase());
  function drawArticles() {
    const needle = document.getElementById('articles-search').value.toLowerCase().trim();
    const from = document.getElementById('articles-from').value, to = document.getElementById('articles-to').value;
    const filters = Array.from(document.querySelectorAll('#articles-groups select'))
      .filter((s) => s.value).map((s) => [s.dataset.group, s.value]);
    const shown = A.filter((a) => (!needle || textOf(a.i).includes(needle)) && (!from || (a.date && a.date >= from))
      && (!to || (a.date && a.date <= to)) && filters.every(([g, v]) => a[g] === v));
    document.getElementById('articles-count').textContent = shown.length + ' of ' + A.length + ' articles';
    document.getElementById('articles-list').replaceChildren(...shown.map((a) => el('div', {class: 'item',
      'data-doc': a.doc_id}, el('strong', {}, a.title || a.doc_id), ' — ' + a.outlet + ', ' + (a.date || 'undated'))));
  }
  function showArticle(docId) {
    const a = byDoc[docId];
    if (!a) return;
    const marks = {};
    const add = (s, m) => { (marks[s] = marks[s] || []).push(m); };
    FRAME_EV.forEach((e) => { if (S[e.s].doc === a.i) add(e.s, {start: e.start, end: e.end, cls: null,
                                                                   title: 'frame cue: ' + e.frame}); });
    rows('labels').forEach((m) => { if (S[m.s].doc === a.i) add(m.s, {start: m.start, end: m.end, cls: 'label',
                                                                       title: 'label: ' + m.label}); });
    const spans = QUOTES.filter((q) => q.doc === a.i).map((q) => [q.start, q.end, 'quote', 'quote: ' +
      (q.speaker || 'no speaker')]);
    PASSAGES.forEach((x) => { const p = PAIRS[x.pair];
      if (p.a === a.i) spans.push([x.a_start, x.a_end, 'reuse', 'shared with ' + A[p.b].outlet]);
      if (p.b === a.i) spans.push([x.b_start, x.b_end, 'reuse', 'shared with ' + A[p.a].outlet]); });
    const own = sentencesOf[a.i] || [];
    own.forEach((k) => { const s = S[k], end = s.start + s.text.length;
      spans.forEach(([st, en, cls, title]) => { if (st < end && en > s.start) add(k, {start: Math.max(st, s.start) -
        s.start, end: Math.min(en, end) - s.start, cls: cls, title: title}); }); });
    const view = document.getElementById('article-view');
    view.replaceChildren(el('h3', {}, a.title || a.doc_id), el('p', {class: 'note'}, D.meta.groups.map((g) =>
      g + ': ' + a[g]).join(' · ') + ' · ' + (a.date || 'undated')),
      el('p', {class: 'note'}, 'Marked: frame cues (yellow, bold), quotes (blue), text shared with another article ' +
        '(red), labels (green); hover a mark for what it is.' + (D.meta.full_text ? '' : ' Only the sentences embedded as evidence are shown (size ' +
        'budget).')));
    if (/^https?:\/\//i.test(a.url || '')) view.append(el('p', {}, el('a', {href: a.url, rel: 'noopener noreferrer',
                                                                          target: '_blank'}, a.url)));
    own.forEach((k) => view.append(el('p', {'data-sent': S[k].sid}, marked(S[k].text, marks[k] || []))));
    view.scrollIntoView();
  }

  // ---- wiring ----------------------------------------------------------------------------------------------
  function openView(v) {
    document.querySelectorAll('.view').forEach((s) => { s.hidden = s.id !== 'view-' + v; });
    document.querySelectorAll('nav button').forEach((b) => b.setAttribute('aria-selected', b.dataset.view === v));
  }
  const EX = window.EXPLORER = {
    data: D, rows: rows, openView: openView, showArticle: showArticle, showQuote: showQuote,
    showSpeaker: showSpeaker, model: model, ready: false,
    tapped(view, src, indices) {
      if (!indices.length) return;
      const row = src.data.row[indices[0]];
      if (view === 'terms') showTerm(TERMS[row].term);
      if (view === 'frames') showFrameCell(PROFILES[row]);
      if (view === 'sentiment') showSentiment(sentimentTable().find((r) => r.i === row));
      if (view === 'copying') showPair(row);
    },
    select(view, index) {  // what a tap does: select one glyph of the view's plot
      model({terms: 'terms_src', frames: 'frames_src', sentiment: 'sentiment_src', copying: 'reuse_edges'}[view])
        .selected.indices = [index];
    },
  };
  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => openView(b.dataset.view)));
  fillSelect('terms-group_var', uniq(TERMS.map((r) => r.group_var)));
  document.getElementById('terms-note').textContent = 'Each dot is a term distinctive of the group (the ' +
    'top terms by log-odds z with an informative Dirichlet prior, Monroe et al. 2008): its count in the group ' +
    'against its count in the groups compared with. Colour: z; filled with a dark edge: stable (same sign and ' +
    '|z| >= 1.96 in at least 90% of article resamples); faint: not stable. Groupings: ' +
    uniq(TERMS.map((r) => r.group_var)).join(', ') + ' ([framing] terms_by in study.toml). Click a term for ' +
    'its sentences.';
  document.getElementById('frames-note').textContent = 'present: share of articles using the frame; share: ' +
    'mean share of their sentences; own_share / others_share: of the sentences in the outlet’s own voice / in ' +
    'others’ words; dominant: share of articles where it dominates. Lines: bootstrap interval over articles. ' +
    'Click a dot for the evidence sentences.';
  document.getElementById('copying-note').textContent = 'Articles that share text, around their outlets; ' +
    'one line per pair of reuse_pairs (red: copied text; blue: a shared quotation; width: containment). Click a ' +
    'line or a pair in the list for the aligned passages.';
  document.getElementById('sentiment-note').textContent = 'Mean article sentiment (or sentiment toward an ' +
    'actor) per group, with bootstrap intervals over articles. Click a dot for the scored sentences.';
  document.getElementById('terms-group_var').value = preferred(uniq(TERMS.map((r) => r.group_var)));
  fillSelect('frames-codebook', uniq(PROFILES.map((r) => r.codebook)));
  fillSelect('frames-measure', uniq(PROFILES.map((r) => r.measure)));
  if (PROFILES.some((r) => r.measure === 'present')) document.getElementById('frames-measure').value = 'present';
  fillSelect('frames-group_var', uniq(PROFILES.map((r) => r.group_var)));
  document.getElementById('frames-group_var').value = preferred(uniq(PROFILES.map((r) => r.group_var)));
  fillSelect('sentiment-target', ['article'].concat(uniq(ACTOR.map((r) => r.actor))));
  const groupBox = document.getElementById('articles-groups');
  D.meta.groups.forEach((g) => groupBox.append(' ', el('label', {}, g.replace('_', ' ') + ' ',
    el('select', {'data-group': g}, el('option', {value: ''}, '(all)'),
       uniq(A.map((a) => a[g])).map((v) => el('option', {value: v}, v))))));
  const on = (sel, evt, fn) => document.querySelectorAll(sel).forEach((n) => n.addEventListener(evt, fn));
  on('#view-terms select', 'change', drawTerms);
  on('#view-frames select', 'change', drawFrames);
  on('#view-sentiment select', 'change', (e) => { if (e.target.id === 'sentiment-target') {
    document.getElementById('sentiment-group_var').value = ''; } drawSentiment(); });
  on('#quotes-search, #speakers-search', 'input', drawQuotes);
  on('#articles-search, #articles-from, #articles-to', 'input', drawArticles);
  on('#articles-groups select', 'change', drawArticles);
  document.addEventListener('click', (e) => {
    const item = e.target.closest('.item');
    if (!item) return;
    if (item.dataset.quote) showQuote(item.dataset.quote);
    if (item.dataset.speaker) showSpeaker(item.dataset.speaker);
    if (item.dataset.pair) showPair(Number(item.dataset.pair));
    if (item.dataset.doc) { location.hash = 'article=' + encodeURIComponent(item.dataset.doc); }
  });
  function route() {
    const m = /^#article=(.+)$/.exec(location.hash);
    if (m) { openView('articles'); showArticle(decodeURIComponent(m[1])); }
  }
  window.addEventListener('hashchange', route);
  document.getElementById('summary').textContent = D.meta.n_articles + ' articles, ' + D.meta.n_sentences +
    ' sentences (' + D.meta.study + '). ' + (D.meta.cap === null ? 'Every evidence row is embedded.' :
    'Evidence sampled: at most ' + D.meta.cap + ' rows per cell (seeded random draw, seed ' + D.meta.seed +
    '); each panel says how many rows its cells have.') + (D.meta.full_text ? '' :
    ' Article views show only the sentences embedded as evidence.');
  drawQuotes(); drawArticles();
  openView('terms');
  Promise.all(Object.entries(PLOTS).map(([v, item]) => Bokeh.embed.embed_item(item, v + '-plot'))).then(() => {
    drawTerms(); drawFrames(); drawSentiment(); drawCopying();
    route();
    EX.ready = true;
    performance.mark('explorer-ready');
  });
})();
"""
