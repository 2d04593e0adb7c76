#include "export/PageTemplate.h"

namespace bertlens::page {

// Sizes for a classroom projector: nothing under 18 px, black on white, the
// two masks in a blue and an orange that stay apart for colour-blind eyes.
const char* const kStyle = R"css(
:root { --bidirectional: #1450a8; --causal: #b23c00; --mask: var(--bidirectional); --ink: #111;
        --muted: #4d4d4d; --pick: #ffe066; }
body.mask-causal { --mask: var(--causal); }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 28px 28px; background: #fff; color: var(--ink);
       font: 22px/1.35 "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; }
header h1 { font-size: 34px; margin: 0; }
header .text { font-size: 30px; font-weight: 600; margin: 4px 0 2px; overflow-wrap: anywhere; max-height: 4.3em;
               overflow-y: auto; }
header .facts { color: var(--muted); font-size: 20px; margin: 0 0 8px; }
#controls { display: flex; flex-wrap: wrap; gap: 10px 28px; align-items: center; margin: 0 0 8px; padding: 6px 0;
            position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 2px solid #eee; }
.group { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
.label { font-weight: 700; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; }
button { font: inherit; font-size: 22px; min-width: 48px; padding: 3px 12px; color: var(--ink); background: #fff;
         border: 2px solid #666; border-radius: 8px; cursor: pointer; }
button:hover { background: #e8eefc; }
button[aria-pressed="true"] { background: var(--mask); border-color: var(--mask); color: #fff; font-weight: 700; }
button:focus-visible { outline: 4px solid var(--pick); outline-offset: 2px; }
#main { display: flex; gap: 28px; align-items: flex-start; }
#figure { flex: 1 1 auto; min-width: 0; overflow-x: auto; }
#caption { font-size: 26px; font-weight: 700; margin: 0 0 2px; }
#lines { display: block; }
#lines text { fill: var(--ink); dominant-baseline: central; }
#lines .special { fill: var(--muted); font-style: italic; }
#lines .masked-word { fill: #6a1b9a; font-weight: 800; }
#lines .unseen { fill: #a0a0a0; }
#lines line { stroke: var(--mask); stroke-linecap: round; }
#lines .pick { fill: var(--pick); }
#lines .axis { fill: var(--muted); font-size: 20px; font-style: italic; }
#lines .value { fill: var(--mask); font-weight: 700; font-variant-numeric: tabular-nums; }
#lines .value.unseen, #lines .value.small { fill: #8a8a8a; font-weight: 400; }
#lines .hit { fill: transparent; cursor: pointer; }
/* The weights stay in sight while one points down a long text. */
#panel { flex: 0 0 440px; position: sticky; top: var(--panel-top, 120px); overflow-y: auto;
         max-height: calc(100vh - var(--panel-top, 120px)); }
#panel h2, #legend h2 { font-size: 26px; margin: 6px 0; }
.tablebox { max-height: 48vh; overflow-y: auto; }
#weights { border-collapse: collapse; width: 100%; }
#weights th, #weights td { padding: 1px 8px; text-align: left; }
#weights td.num { text-align: right; font-variant-numeric: tabular-nums; }
#weights tr.best td { font-weight: 700; }
#weights tr.unseen td { color: #808080; }
.bar { height: 14px; min-width: 1px; background: var(--mask); }
.barcol { width: 34%; }
.guess { margin-bottom: 12px; }
.guess h3 { font-size: 22px; margin: 4px 0; }
.guess .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.guess .col { border: 2px solid #c8c8c8; border-radius: 8px; padding: 4px 8px; }
.guess .col.current { border-color: var(--mask); border-width: 3px; }
.guess h4 { font-size: 18px; color: var(--muted); margin: 0 0 2px; }
.guess ol { list-style: none; margin: 0; padding: 0; }
.guess li { display: grid; grid-template-columns: 1fr auto; gap: 0 8px; font-size: 20px; }
.guess li .bar { grid-column: 1 / 3; height: 7px; }
.col.bidirectional .bar { background: var(--bidirectional); }
.col.causal .bar { background: var(--causal); }
#legend { margin-top: 14px; border-top: 2px solid #ddd; }
#legend dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
#legend dt { font-weight: 700; }
#legend dd { margin: 0; }
.swatch { display: inline-block; width: 30px; height: 9px; margin-right: 8px; vertical-align: middle; }
.swatch.bidirectional { background: var(--bidirectional); }
.swatch.causal { background: var(--causal); }
#page-error { background: #fdd; border: 2px solid #a00; padding: 8px 12px; font-weight: 700; }
.note { background: #fff4c4; padding: 8px 12px; }
@media (max-width: 1100px) {
  #main { flex-direction: column; }
  #panel { flex: none; width: 100%; position: static; max-height: none; }
}
)css";

const char* const kBody = R"html(
<noscript><p class="note">This page needs JavaScript to draw the attention (its script is inside this file and
reaches nothing outside it).</p></noscript>
<div id="page-error" role="alert" hidden></div>
<nav id="controls" aria-label="What to show">
  <div class="group"><span class="label">Mask</span><span id="mask-buttons" class="buttons"></span></div>
  <div class="group"><span class="label">Layer</span><span id="layer-buttons" class="buttons"></span></div>
  <div class="group"><span class="label">Head</span><span id="head-buttons" class="buttons"></span></div>
</nav>
<main id="main">
  <section id="figure">
    <p id="caption" aria-live="polite"></p>
    <svg id="lines" role="img" aria-label="Attention as lines from each token to the tokens it reads"></svg>
  </section>
  <aside id="panel">
    <h2 id="weights-title"></h2>
    <div class="tablebox">
      <table id="weights">
        <thead><tr><th>#</th><th>reads</th><th class="num">weight</th><th class="barcol"></th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <h2>Guesses for the masked words</h2>
    <div id="guesses"></div>
  </aside>
</main>
<section id="legend">
  <h2>How to read it</h2>
  <dl>
    <dt><span class="swatch bidirectional"></span>Bidirectional (BERT)</dt>
    <dd>Every token may attend to every token, before and after it. @BIDIRECTIONAL_NOTE@</dd>
    <dt><span class="swatch causal"></span>Causal (left-to-right)</dt>
    <dd>Each token may attend only to itself and the tokens before it, as in GPT; later tokens are hidden. @CAUSAL_NOTE@</dd>
    <dt>Lines</dt>
    <dd>From a token on the left (the query, which reads) to the tokens on the right (the keys it reads); the
      thicker and darker, the more attention. A query's weights add up to 1. Point at a token on the left to see
      its lines, click to keep them; point at one on the right to see which tokens read it.</dd>
    <dt>Keys</dt>
    <dd>&uarr; &darr; layer, &larr; &rarr; head, M mask, Esc lets go of the token.</dd>
  </dl>
</section>
)html";

// No library and no network: plain DOM calls. The SVG namespace is taken
// from the <svg> the HTML parser made, so the page names no address at all.
const char* const kScript = R"js(
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const showError = (message) => {
    const box = $('page-error');
    box.textContent = message;
    box.hidden = false;
  };
  window.addEventListener('error', (ev) => showError('The page could not draw the attention: ' + ev.message));
  let data;
  try {
    data = JSON.parse($('bertlens-data').textContent);
  } catch (e) {
    showError('The data in this page is damaged (' + e.message + '); export the page again from BertLens.');
    return;
  }
  const n = data.tokens.length, L = data.layers, H = data.heads;
  const MASKS = ['bidirectional', 'causal'];
  const MASK_NAMES = {bidirectional: 'Bidirectional (BERT)', causal: 'Causal (left-to-right)'};
  const state = {layer: data.start.layer, head: data.start.head, mask: data.start.mask, query: -1, key: -1,
                 pinned: false};
  const svg = $('lines');
  const NS = svg.namespaceURI;
  const tokenText = (i) => data.tokens[i];
  const isSpecial = (t) => t === '[CLS]' || t === '[SEP]' || t === '[PAD]' || t === '[UNK]';

  // A layer is decoded when first shown; the last few stay (a 512-token
  // bert-base layer is 12 MB as floats).
  const cache = new Map();
  function layerMaps(mask, layer) {
    const id = mask + '/' + layer;
    let maps = cache.get(id);
    if (maps) return maps;
    const bytes = atob(data.masks[mask].attention[layer]);
    maps = new Float32Array(H * n * n);
    let p = 0;
    for (let h = 0; h < H; ++h) {
      for (let q = 0; q < n; ++q) {
        const end = mask === 'causal' ? q + 1 : n;
        const base = (h * n + q) * n;
        for (let k = 0; k < end; ++k, p += 2) {
          maps[base + k] = (bytes.charCodeAt(p) | (bytes.charCodeAt(p + 1) << 8)) / data.scale;
        }
      }
    }
    if (cache.size >= 6) cache.delete(cache.keys().next().value);
    cache.set(id, maps);
    return maps;
  }
  // Query q's weights under the chosen head, or the mean of the layer's heads.
  function weights(q) {
    const maps = layerMaps(state.mask, state.layer);
    const out = new Float64Array(n);
    const first = state.head === 'mean' ? 0 : state.head;
    const last = state.head === 'mean' ? H : state.head + 1;
    for (let h = first; h < last; ++h) {
      const base = (h * n + q) * n;
      for (let k = 0; k < n; ++k) out[k] += maps[base + k];
    }
    if (state.head === 'mean') for (let k = 0; k < n; ++k) out[k] /= H;
    return out;
  }
  const visible = (q, k) => state.mask !== 'causal' || k <= q;

  function svgElement(name, attributes, parent) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
    parent.appendChild(e);
    return e;
  }
  function htmlElement(name, text, parent, className) {
    const e = document.createElement(name);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    if (parent) parent.appendChild(e);
    return e;
  }

  // Geometry: rows as tall as the window allows, never below projector size.
  let geo = null;
  const measure = document.createElement('canvas').getContext('2d');
  function layout() {
    const rowH = Math.max(34, Math.min(50, Math.floor((window.innerHeight - 330) / n)));
    const font = Math.round(Math.max(21, Math.min(30, rowH * 0.62)));
    measure.font = '800 ' + font + 'px ' + getComputedStyle(document.body).fontFamily;
    let widest = measure.measureText('is read').width;
    for (const t of data.tokens) widest = Math.max(widest, measure.measureText(t).width);
    const tokW = Math.ceil(widest) + 14;
    const room = $('figure').clientWidth || 900;
    const gap = Math.max(200, Math.min(460, room - 2 * tokW - 110));
    const top = 34;
    document.body.style.setProperty('--panel-top', $('controls').offsetHeight + 8 + 'px');
    geo = {rowH, font, top, leftX: 10 + tokW, rightX: 10 + tokW + gap, valueX: 10 + 2 * tokW + gap + 78};
    geo.y = (i) => geo.top + i * geo.rowH + geo.rowH / 2;
    svg.replaceChildren();
    svg.setAttribute('width', geo.valueX + 10);
    svg.setAttribute('height', top + n * rowH + 6);
    svg.style.fontSize = font + 'px';
    svgElement('text', {x: geo.leftX, y: 14, 'text-anchor': 'end', class: 'axis'}, svg).textContent = 'reads';
    svgElement('text', {x: geo.rightX, y: 14, class: 'axis'}, svg).textContent = 'is read';
    geo.picks = svgElement('g', {}, svg);
    geo.lines = svgElement('g', {}, svg);
    geo.left = [];
    geo.right = [];
    const texts = svgElement('g', {}, svg);
    geo.values = svgElement('g', {}, svg);
    const hits = svgElement('g', {}, svg);
    for (let i = 0; i < n; ++i) {
      const t = tokenText(i);
      const kind = isSpecial(t) ? 'special' : t === '[MASK]' ? 'masked-word' : '';
      geo.left.push(svgElement('text', {x: geo.leftX, y: geo.y(i), 'text-anchor': 'end', class: kind}, texts));
      geo.right.push(svgElement('text', {x: geo.rightX, y: geo.y(i), class: kind}, texts));
      geo.left[i].textContent = geo.right[i].textContent = t;
      const y0 = geo.top + i * rowH;
      const q = svgElement('rect', {x: 0, y: y0, width: geo.leftX + 8, height: rowH, class: 'hit'}, hits);
      const k = svgElement('rect', {x: geo.rightX - 8, y: y0, width: geo.valueX - geo.rightX + 8, height: rowH,
                                    class: 'hit'}, hits);
      q.addEventListener('mouseenter', () => { if (!state.pinned) { state.query = i; state.key = -1; draw(); } });
      q.addEventListener('click', () => {
        state.pinned = !(state.pinned && state.query === i);
        state.query = state.pinned ? i : -1;
        state.key = -1;
        draw();
      });
      k.addEventListener('mouseenter', () => { if (!state.pinned) { state.key = i; state.query = -1; draw(); } });
    }
  }
  svg.addEventListener('mouseleave', () => {
    if (!state.pinned) { state.query = -1; state.key = -1; draw(); }
  });

  function addLine(q, k, w, width, opacity) {
    svgElement('line', {x1: geo.leftX + 8, y1: geo.y(q), x2: geo.rightX - 8, y2: geo.y(k), 'stroke-width': width,
                        'stroke-opacity': opacity, 'data-query': q, 'data-key': k, 'data-weight': w.toFixed(6)},
               geo.lines);
  }
  function pick(x, i, width) {
    svgElement('rect', {x, y: geo.top + i * geo.rowH + 2, width, height: geo.rowH - 4, rx: 6, class: 'pick'},
               geo.picks);
  }

  function drawLines() {
    geo.lines.replaceChildren();
    geo.values.replaceChildren();
    geo.picks.replaceChildren();
    for (let i = 0; i < n; ++i) geo.right[i].classList.remove('unseen');
    const q = state.query, key = state.key;
    if (q >= 0) {
      pick(0, q, geo.leftX + 6);
      const w = weights(q);
      for (let k = 0; k < n; ++k) {
        const seen = visible(q, k);
        if (seen) addLine(q, k, w[k], 1 + 12 * w[k], Math.min(1, 0.12 + 1.5 * w[k]));
        geo.right[k].classList.toggle('unseen', !seen);
        const kind = !seen ? 'value unseen' : w[k] < 0.005 ? 'value small' : 'value';
        const v = svgElement('text', {x: geo.valueX, y: geo.y(k), 'text-anchor': 'end', class: kind}, geo.values);
        v.textContent = seen ? w[k].toFixed(2) : '\u2013';
      }
    } else if (key >= 0) {
      pick(geo.rightX - 6, key, geo.valueX - geo.rightX + 6);
      for (let r = 0; r < n; ++r) {
        if (!visible(r, key)) continue;
        const w = weights(r)[key];
        addLine(r, key, w, 1 + 12 * w, Math.min(1, 0.12 + 1.5 * w));
      }
    } else {
      // Every query at once: only the lines one can see, so long texts stay light.
      const cut = n > 128 ? 0.1 : 0.02;
      for (let r = 0; r < n; ++r) {
        const w = weights(r);
        for (let k = 0; k < n; ++k) {
          if (visible(r, k) && w[k] >= cut) addLine(r, k, w[k], 0.5 + 4 * w[k], Math.min(0.85, w[k]));
        }
      }
    }
  }

  function drawTable() {
    const table = $('weights');
    const body = table.tBodies[0];
    body.replaceChildren();
    const q = state.query;
    Object.assign(table.dataset, {layer: state.layer, head: state.head, mask: state.mask, query: q});
    if (q < 0) {
      $('weights-title').textContent = 'Point at a token on the left to list what it reads';
      table.hidden = true;
      return;
    }
    table.hidden = false;
    $('weights-title').textContent = '\u201c' + tokenText(q) + '\u201d (' + q + ') reads';
    const w = weights(q);
    let best = 0;
    for (let k = 0; k < n; ++k) if (visible(q, k) && w[k] > w[best]) best = k;
    for (let k = 0; k < n; ++k) {
      const seen = visible(q, k);
      const tr = htmlElement('tr', undefined, body, seen ? (k === best ? 'best' : '') : 'unseen');
      tr.dataset.key = k;
      tr.dataset.weight = seen ? w[k].toFixed(6) : '0';
      if (!seen) tr.dataset.hidden = '1';
      htmlElement('td', String(k), tr, 'num');
      htmlElement('td', tokenText(k), tr);
      htmlElement('td', seen ? w[k].toFixed(3) : 'hidden', tr, 'num');
      const cell = htmlElement('td', undefined, tr);
      if (seen) htmlElement('div', undefined, cell, 'bar').style.width = (100 * w[k]).toFixed(1) + '%';
    }
  }

  function drawGuesses() {
    const box = $('guesses');
    box.replaceChildren();
    const byMask = {};
    const positions = new Set();
    for (const m of MASKS) {
      byMask[m] = new Map(data.masks[m].predictions.map((p) => [p.position, p]));
      for (const p of data.masks[m].predictions) positions.add(p.position);
    }
    let shown = [...positions].sort((a, b) => a - b);
    if (shown.length === 0) {
      const why = data.masks.bidirectional.predictions_off;
      htmlElement('p', why ? 'No guesses: ' + why :
                  'There is no [MASK] in the text: put [MASK] where a word should be guessed.', box);
      return;
    }
    if (shown.length > 4) {
      htmlElement('p', 'Point at a [MASK] to see its guesses.', box);
      shown = shown.includes(state.query) ? [state.query] : shown.slice(0, 4);
    }
    for (const position of shown) {
      const guess = htmlElement('div', undefined, box, 'guess');
      htmlElement('h3', '\u201c' + tokenText(position) + '\u201d at ' + position, guess);
      const cols = htmlElement('div', undefined, guess, 'cols');
      for (const m of MASKS) {
        const col = htmlElement('div', undefined, cols, 'col ' + m + (m === state.mask ? ' current' : ''));
        htmlElement('h4', MASK_NAMES[m], col);
        const list = htmlElement('ol', undefined, col);
        const p = byMask[m].get(position);
        for (const [word, prob] of p ? p.top.slice(0, 5) : []) {
          const li = htmlElement('li', undefined, list);
          htmlElement('span', word, li);
          htmlElement('span', (100 * prob).toFixed(prob < 0.1 ? 1 : 0) + ' %', li);
          htmlElement('div', undefined, li, 'bar').style.width = (100 * prob).toFixed(1) + '%';
        }
      }
    }
  }

  const headValues = [...Array(H).keys(), 'mean'];
  const buttonSets = {};
  function addButtons(id, values, label, choose) {
    buttonSets[id] = values.map((value) => {
      const b = htmlElement('button', label(value), $(id));
      b.type = 'button';
      b.addEventListener('click', () => { choose(value); draw(); });
      return [value, b];
    });
  }
  addButtons('mask-buttons', MASKS, (m) => MASK_NAMES[m], (m) => { state.mask = m; });
  addButtons('layer-buttons', [...Array(L).keys()], String, (l) => { state.layer = l; });
  addButtons('head-buttons', headValues, String, (h) => { state.head = h; });

  function writeHash() {
    const hash = '#layer=' + state.layer + '&head=' + state.head + '&mask=' + state.mask +
                 (state.pinned ? '&query=' + state.query : '');
    if (location.hash === hash) return;
    try { history.replaceState(null, '', hash); } catch (e) { /* a browser that refuses: the page still works */ }
  }
  function readHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    const whole = (name, limit) => {
      const v = p.has(name) && /^[0-9]+$/.test(p.get(name)) ? Number(p.get(name)) : -1;
      return v < limit ? v : -1;
    };
    if (whole('layer', L) >= 0) state.layer = whole('layer', L);
    if (p.get('head') === 'mean') state.head = 'mean';
    else if (whole('head', H) >= 0) state.head = whole('head', H);
    if (MASKS.includes(p.get('mask'))) state.mask = p.get('mask');
    if (p.has('query')) {
      state.query = whole('query', n);
      state.pinned = state.query >= 0;
      state.key = -1;
    }
  }

  function draw() {
    document.body.classList.toggle('mask-causal', state.mask === 'causal');
    document.body.classList.toggle('mask-bidirectional', state.mask !== 'causal');
    const chosen = {'mask-buttons': state.mask, 'layer-buttons': state.layer, 'head-buttons': state.head};
    for (const [id, set] of Object.entries(buttonSets)) {
      for (const [value, b] of set) b.setAttribute('aria-pressed', String(value === chosen[id]));
    }
    $('caption').textContent = 'Layer ' + state.layer + ' \u00b7 ' +
        (state.head === 'mean' ? 'mean of the ' + H + ' heads' : 'head ' + state.head) + ' \u00b7 ' +
        MASK_NAMES[state.mask] + (state.query >= 0 ? ' \u00b7 \u201c' + tokenText(state.query) + '\u201d reads' : '');
    drawLines();
    drawTable();
    drawGuesses();
    writeHash();
  }

  document.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const h = headValues.indexOf(state.head);
    if (ev.key === 'ArrowUp') state.layer = Math.min(L - 1, state.layer + 1);
    else if (ev.key === 'ArrowDown') state.layer = Math.max(0, state.layer - 1);
    else if (ev.key === 'ArrowRight') state.head = headValues[Math.min(headValues.length - 1, h + 1)];
    else if (ev.key === 'ArrowLeft') state.head = headValues[Math.max(0, h - 1)];
    else if (ev.key === 'm' || ev.key === 'M') state.mask = state.mask === 'causal' ? 'bidirectional' : 'causal';
    else if (ev.key === 'Escape') { state.pinned = false; state.query = -1; state.key = -1; }
    else return;
    ev.preventDefault();
    draw();
  });
  // A shared address names a token: bring it into view (a long text scrolls).
  const showQuery = () => {
    if (state.query < 0) return;
    const box = geo.left[state.query].getBoundingClientRect();
    if (box.top < $('controls').offsetHeight || box.bottom > window.innerHeight) {
      window.scrollBy(0, box.top - window.innerHeight / 2);
    }
  };
  window.addEventListener('hashchange', () => { readHash(); draw(); showQuery(); });
  let resizing = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => { layout(); draw(); }, 120);
  });

  readHash();
  layout();
  draw();
  showQuery();
  document.body.dataset.ready = '1';
})();
)js";

}  // namespace bertlens::page
