import { api, tenantPath } from './api.js';
import { h, show, errorBox, loading, count, paged, download } from './dom.js';
import { drawChart, seriesName, color, si } from './chart.js';

const RANGES = { '5m': 300, '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800 };
const SAVED = 'shardview.metrics';
const JSON_SERIES = 50; // series the JSON view shows
const TABLE_ROWS = 200; // series a page of the table view

/**
 * PromQL over a tenant's metrics (the Prometheus HTTP API under /v1/tenants/{t}/prom): a graph, a table and the JSON
 * of the same answer, metric names offered as the query is typed, and a region to read.
 */
export function metricsPage(page) {
  const saved = JSON.parse(sessionStorage.getItem(SAVED) || '{}');
  const tenant = h('input', { id: 'metrics-tenant', placeholder: 'tenant', value: saved.tenant || '', size: 14 });
  const region = h('input', { id: 'metrics-region', placeholder: 'region (this node\'s)', value: saved.region || '', size: 14, title: 'another region by name, or * for every region', list: 'metrics-regions' });
  const regions = h('datalist', { id: 'metrics-regions' });
  api('/v1/cluster').then(c => show(regions, ['*', ...new Set(c.members.map(m => m.region))].map(r => h('option', { value: r }))), () => {}); // admin only
  const stepInput = h('input', { id: 'metrics-step', placeholder: 'step: auto', value: saved.step || '', size: 8, title: 'seconds between points (15, 1m, 5m), or empty for about 300 points' });
  const query = h('input', { id: 'promql', class: 'code', placeholder: 'rate(http_requests_total[5m])', value: saved.query || '', autocomplete: 'off', spellcheck: 'false' });
  const range = h('select', { id: 'metrics-range' }, Object.keys(RANGES).map(r => h('option', { value: r, selected: r === (saved.range || '1h') }, 'last ' + r)));
  const stacked = h('input', { type: 'checkbox', id: 'metrics-stacked' });
  const out = h('div', { id: 'metrics-result' });
  let view = 'graph';
  let answer = null;
  let shownRange = null;

  const tabs = h('div', { class: 'tabs' }, ['graph', 'table', 'json', 'cardinality'].map(name =>
    h('button', { 'data-view': name, class: name === view ? 'current' : null, onclick: () => { view = name; render(); } }, name[0].toUpperCase() + name.slice(1))));

  async function run() {
    sessionStorage.setItem(SAVED, JSON.stringify({ tenant: tenant.value, region: region.value, query: query.value, range: range.value, step: stepInput.value }));
    if (!tenant.value || !query.value) { show(out, h('p', { class: 'muted' }, 'A tenant and a query.')); return; }
    show(out, loading('the answer'));
    const end = Math.floor(Date.now() / 1000);
    const start = end - RANGES[range.value];
    const step = stepInput.value.trim() || Math.max(1, Math.round((end - start) / 300));
    const params = new URLSearchParams({ query: query.value, start, end, step });
    if (region.value) params.set('region', region.value);
    try {
      answer = await api(`${tenantPath(tenant.value)}/prom/api/v1/query_range?${params}`);
      shownRange = { start, end, step };
      render();
    } catch (e) {
      answer = null;
      show(out, errorBox(e), errorAt(query.value, e.message));
    }
  }

  function render() {
    for (const b of tabs.children) b.classList.toggle('current', b.dataset.view === view);
    if (view === 'cardinality') { cardinality(); return; }
    if (!answer) { show(out, tabs); return; }
    const series = answer.data.result;
    if (!series.length) { show(out, tabs, h('p', { class: 'muted', id: 'metrics-empty' }, 'No series.')); return; }
    if (view === 'json') {
      // The whole answer of 10,000 series is tens of megabytes of text: the page shows the first series, and saves all.
      const shown = series.length > JSON_SERIES ? { ...answer, data: { ...answer.data, result: series.slice(0, JSON_SERIES) } } : answer;
      show(out, tabs,
        series.length > JSON_SERIES ? h('p', { class: 'muted' }, `The first ${JSON_SERIES} of ${count(series.length)} series are shown. `,
          download('answer.json', () => JSON.stringify(answer))) : null,
        h('pre', { id: 'metrics-json' }, JSON.stringify(shown, null, 2)));
    } else if (view === 'table') {
      show(out, tabs, paged(series, TABLE_ROWS, shown => h('div', { class: 'scroll' }, h('table', { id: 'metrics-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Series'), h('th', { class: 'num' }, 'Last value'), h('th', { class: 'num' }, 'Points'))),
        h('tbody', {}, shown.map(s => h('tr', {},
          h('td', {}, h('code', {}, seriesName(s.metric))),
          h('td', { class: 'num' }, s.values.length ? si(Number(s.values[s.values.length - 1][1])) : ''),
          h('td', { class: 'num' }, count(s.values.length))))))), 'metrics-pages'));
    } else {
      const canvas = h('canvas', { class: 'chart', id: 'metrics-chart' });
      const shown = series.slice(0, 200); // more lines than this are not readable; the table has them all
      show(out, tabs, canvas,
        series.length > shown.length ? h('p', { class: 'muted' }, `The first ${shown.length} of ${count(series.length)} series are drawn.`) : null,
        h('div', { class: 'legend' }, shown.map((s, i) => h('span', { style: `--swatch:${color(i)}` }, seriesName(s.metric)))));
      drawChart(canvas, shown, shownRange.start, shownRange.end, stacked.checked);
    }
  }

  /** Series per metric name (the top 20) and distinct values per label name (30 labels), by instant PromQL. */
  async function cardinality() {
    if (!tenant.value) { show(out, tabs, h('p', { class: 'muted' }, 'A tenant.')); return; }
    const body = h('div', { id: 'cardinality' }, loading('series counts'));
    show(out, tabs, body);
    const instant = async expr => {
      const params = new URLSearchParams({ query: expr });
      if (region.value) params.set('region', region.value);
      return (await api(`${tenantPath(tenant.value)}/prom/api/v1/query?${params}`)).data.result;
    };
    try {
      const perMetric = await instant('sort_desc(topk(20, count by (__name__) ({__name__=~".+"})))');
      const labels = (await values('labels')).filter(n => n !== '__name__').slice(0, 30);
      const perLabel = [];
      for (const label of labels) {
        const [distinct] = await instant(`count(count by (${label}) ({${label}!=""}))`);
        const [series] = await instant(`count({${label}!=""})`);
        perLabel.push({ label, values: distinct ? Number(distinct.value[1]) : 0, series: series ? Number(series.value[1]) : 0 });
      }
      perLabel.sort((a, b) => b.values - a.values);
      show(body,
        h('div', { class: 'row', style: 'align-items: flex-start' },
          h('div', { class: 'grow' }, h('h3', {}, 'Series per metric (now, top 20)'), h('table', { id: 'cardinality-metrics' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Metric'), h('th', { class: 'num' }, 'Series'))),
            h('tbody', {}, perMetric.map(r => h('tr', {}, h('td', {}, h('code', {}, r.metric.__name__)), h('td', { class: 'num' }, count(Number(r.value[1])))))))),
          h('div', { class: 'grow' }, h('h3', {}, 'Values per label (now)'), h('table', { id: 'cardinality-labels' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Label'), h('th', { class: 'num' }, 'Distinct values'), h('th', { class: 'num' }, 'Series with it'))),
            h('tbody', {}, perLabel.map(r => h('tr', {}, h('td', {}, h('code', {}, r.label)), h('td', { class: 'num' }, count(r.values)), h('td', { class: 'num' }, count(r.series)))))))));
    } catch (e) {
      show(body, errorBox(e));
    }
  }

  // Completion at the caret, wherever it is in the query: a metric name, a label name inside {...}, or a label's
  // value after label=" — offered in a list under the box (arrows choose, Tab or Enter takes, Escape closes).
  const cache = new Map();
  async function values(path) {
    const key = tenant.value + ' ' + region.value + ' ' + path;
    if (!cache.has(key)) {
      const params = new URLSearchParams();
      if (region.value) params.set('region', region.value);
      const sep = path.includes('?') ? '&' : '?';
      cache.set(key, api(`${tenantPath(tenant.value)}/prom/api/v1/${path}${params.toString() ? sep + params : ''}`)
        .then(answer => answer.data, e => { cache.delete(key); console.warn('completion: ' + path + ': ' + e.message); return []; }));
    }
    return cache.get(key);
  }
  const offered = h('ul', { id: 'completions', role: 'listbox', hidden: true });
  let choices = []; // [{text, from}]: what replaces the query's text from `from` to the caret
  let chosen = 0;
  function close() { offered.hidden = true; choices = []; }
  function draw() {
    show(offered, choices.map((c, i) => h('li', { 'data-value': c.text, class: i === chosen ? 'chosen' : null, role: 'option',
      title: c.about && c.about.help ? c.about.help : null, onmousedown: e => { e.preventDefault(); take(i); } },
      c.text, c.about ? h('span', { class: 'kind' }, c.about.type + (c.about.unit ? ' · ' + c.about.unit : '')) : null)));
    offered.hidden = !choices.length;
    const current = offered.children[chosen];
    if (current) current.scrollIntoView({ block: 'nearest' });
  }
  function take(i) {
    const c = choices[i];
    const caret = query.selectionStart;
    query.value = query.value.slice(0, c.from) + c.text + query.value.slice(caret);
    const at = c.from + c.text.length;
    query.setSelectionRange(at, at);
    close();
    complete();
  }
  async function complete() {
    if (!tenant.value || document.activeElement !== query) { close(); return; }
    const text = query.value;
    const caret = query.selectionStart;
    const before = text.slice(0, caret);
    const open = before.lastIndexOf('{');
    let typed, options, described = {};
    if (open > before.lastIndexOf('}')) { // inside a selector
      const metric = (before.slice(0, open).match(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/) || [])[1];
      const match = metric ? '?match[]=' + encodeURIComponent(metric) : '';
      const segment = before.slice(open + 1).split(',').pop();
      const value = segment.match(/^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)$/);
      if (value) {
        typed = value[3];
        options = (await values(`label/${encodeURIComponent(value[1])}/values${match}`)).map(v => v + '"');
      } else {
        const name = segment.match(/^\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/);
        if (!name) { close(); return; }
        typed = name[1] || '';
        options = (await values('labels' + match)).filter(n => n !== '__name__').map(n => n + '="');
      }
    } else {
      const word = before.match(/([a-zA-Z_:][a-zA-Z0-9_:]*)$/);
      if (!word) { close(); return; }
      typed = word[1];
      options = await values('label/__name__/values');
      described = await values('metadata'); // TYPE, HELP and UNIT per family, shown beside the names
    }
    if (query.value !== text || query.selectionStart !== caret) return; // typed or moved on meanwhile
    const starts = options.filter(o => o.startsWith(typed) && o !== typed + '"' && o !== typed);
    const contains = typed ? options.filter(o => !o.startsWith(typed) && o.includes(typed)) : [];
    choices = starts.concat(contains).slice(0, 50).map(o => ({ text: o, from: caret - typed.length, about: family(described, o) }));
    chosen = 0;
    draw();
  }

  query.addEventListener('keydown', e => {
    if (!offered.hidden && choices.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        chosen = (chosen + (e.key === 'ArrowDown' ? 1 : choices.length - 1)) % choices.length;
        draw();
        return;
      }
      if (e.key === 'Tab' || (e.key === 'Enter' && !e.ctrlKey)) { e.preventDefault(); take(chosen); return; }
      if (e.key === 'Escape') { close(); return; }
    }
    if (e.key === 'Enter') { close(); run(); }
  });
  query.addEventListener('click', complete);
  query.addEventListener('keyup', e => { if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') complete(); });
  query.addEventListener('blur', close);
  query.addEventListener('focus', complete);
  query.addEventListener('input', complete);
  tenant.addEventListener('change', () => cache.clear());
  region.addEventListener('change', () => cache.clear());
  range.addEventListener('change', run);
  stepInput.addEventListener('keydown', e => { if (e.key === 'Enter') run(); });
  stacked.addEventListener('change', render);
  show(page,
    h('h1', {}, 'Metrics'),
    h('div', { class: 'panel' },
      h('div', { class: 'row' }, tenant, region, h('div', { class: 'complete grow' }, query, offered), range, stepInput, regions,
        h('label', {}, stacked, ' stacked'),
        h('button', { class: 'primary', id: 'run-promql', onclick: run }, 'Run'))),
    out,
    h('div', { class: 'row', style: 'align-items: stretch; margin-top: 16px' },
      h('div', { class: 'grow' }, ingestPanel(tenant, () => cache.clear())),
      h('div', { class: 'grow' }, exportPanel(tenant))));
  if (saved.query && saved.tenant) run();
}

const FORMATS = {
  jsonl: { label: 'VictoriaMetrics JSON lines', path: '/prom/api/v1/import', type: 'application/x-ndjson',
    example: '{"metric":{"__name__":"up","job":"api"},"values":[1,1],"timestamps":[' + (Date.now() - 60000) + ',' + Date.now() + ']}' },
  prometheus: { label: 'Prometheus text', path: '/prom/api/v1/import/prometheus', type: 'text/plain',
    example: 'http_requests_total{code="200"} 1027\nhttp_requests_total{code="500"} 3' },
  influx: { label: 'Influx line protocol', path: '/influx/write', type: 'text/plain',
    example: 'cpu,host=a usage_user=12.5,usage_system=3.1' },
};

/**
 * Points pasted in one of the ingest formats (docs/api.md, "Metrics"), sent as one request: stored whole, or refused
 * whole naming the bad line.
 */
function ingestPanel(tenant, stored) {
  const format = h('select', { id: 'ingest-format' }, Object.entries(FORMATS).map(([key, f]) => h('option', { value: key }, f.label)));
  const precision = h('select', { id: 'ingest-precision', title: 'Influx timestamps are in' }, ['ns', 'us', 'ms', 's'].map(p => h('option', { value: p }, p)));
  const editor = h('textarea', { id: 'metrics-ingest-editor', spellcheck: 'false', placeholder: FORMATS.jsonl.example });
  const out = h('div', { id: 'metrics-ingest-result' });
  format.addEventListener('change', () => { editor.placeholder = FORMATS[format.value].example; precision.hidden = format.value !== 'influx'; });
  precision.hidden = true;
  async function send() {
    if (!tenant.value) { show(out, h('p', { class: 'muted' }, 'A tenant, in the box above.')); return; }
    const f = FORMATS[format.value];
    show(out, loading('the answer'));
    try {
      const query = format.value === 'influx' ? '?precision=' + precision.value : '';
      const answer = await api(tenantPath(tenant.value) + f.path + query, { method: 'POST', body: editor.value, type: f.type });
      stored();
      show(out, h('p', { class: 'ok' }, answer && answer.samples !== undefined
        ? `Stored ${count(answer.samples)} points; refused by rule: ${JSON.stringify(answer.rejected)}`
        : 'Stored.'));
    } catch (e) {
      show(out, errorBox(e));
    }
  }
  editor.addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); } });
  return h('div', { class: 'panel' }, h('h2', {}, 'Ingest points'), h('div', { class: 'row' }, format, precision), editor,
    h('div', { class: 'row' }, h('button', { class: 'primary', id: 'send-points', onclick: send }, 'Send'), h('span', { class: 'muted' }, 'Ctrl+Enter')), out);
}

/** The series matching a selector, as JSON lines (GET .../api/v1/export): the first lines shown, all of them saved. */
function exportPanel(tenant) {
  const match = h('input', { id: 'export-match', class: 'code grow', value: '{__name__=~".+"}', spellcheck: 'false' });
  const out = h('div', { id: 'export-result' });
  async function run() {
    if (!tenant.value) { show(out, h('p', { class: 'muted' }, 'A tenant, in the box above.')); return; }
    show(out, loading('the series'));
    try {
      const text = await api(tenantPath(tenant.value) + '/prom/api/v1/export?' + new URLSearchParams({ 'match[]': match.value }));
      const lines = typeof text === 'string' ? text.split('\n').filter(l => l) : [JSON.stringify(text)];
      show(out,
        h('p', { class: 'muted' }, `${count(lines.length)} series`, lines.length > 100 ? ', the first 100 shown. ' : '. ',
          download('export.jsonl', () => lines.join('\n') + '\n', 'application/x-ndjson')),
        h('pre', { id: 'export-lines' }, lines.slice(0, 100).join('\n')));
    } catch (e) {
      show(out, errorBox(e));
    }
  }
  match.addEventListener('keydown', e => { if (e.key === 'Enter') run(); });
  return h('div', { class: 'panel' }, h('h2', {}, 'Export'), h('div', { class: 'row' }, match, h('button', { id: 'run-export', onclick: run }, 'Export')), out);
}

/** The metadata of the family a metric name belongs to (a histogram's _bucket, _sum and _count are its family's). */
function family(described, name) {
  const entries = described && (described[name] || described[name.replace(/_(bucket|sum|count)$/, '')]);
  return entries && entries.length ? entries[0] : null;
}

/** A PromQL parse error's place in the query ("1:17: parse error: ..."): the query with a caret under it. */
function errorAt(text, message) {
  const at = /(\d+):(\d+): parse error/.exec(message || '');
  if (!at) return null;
  const line = text.split('\n')[Number(at[1]) - 1] || '';
  return h('pre', { id: 'promql-error' }, line + '\n' + ' '.repeat(Math.max(0, Number(at[2]) - 1)) + '^ column ' + at[2]);
}
