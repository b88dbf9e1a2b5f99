import { api, tenantPath } from './api.js';
import { h, show, errorBox, loading, count } from './dom.js';
import { drawChart, seriesName, color, si } from './chart.js';

const RANGES = { '5m': 300, '15m': 900, '1h': 3600, '6h': 21600, '24h': 86400, '7d': 604800 };
const SAVED = 'shardview.metrics';

/**
 * PromQL over a tenant's metrics (the Prometheus HTTP API under /v1/tenants/{t}/prom): a graph, a table and the JSON
 * of the same answer, metric names offered as the query is typed, and a region to read.
 */
export function metricsPage(page) {
  const saved = JSON.parse(sessionStorage.getItem(SAVED) || '{}');
  const tenant = h('input', { id: 'metrics-tenant', placeholder: 'tenant', value: saved.tenant || '', size: 14 });
  const region = h('input', { id: 'metrics-region', placeholder: 'region (this node\'s)', value: saved.region || '', size: 14, title: 'another region by name, or * for every region' });
  const query = h('input', { id: 'promql', class: 'code grow', placeholder: 'rate(http_requests_total[5m])', value: saved.query || '', list: 'metric-names', autocomplete: 'off' });
  const names = h('datalist', { id: 'metric-names' });
  const range = h('select', { id: 'metrics-range' }, Object.keys(RANGES).map(r => h('option', { value: r, selected: r === (saved.range || '1h') }, 'last ' + r)));
  const stacked = h('input', { type: 'checkbox', id: 'metrics-stacked' });
  const out = h('div', { id: 'metrics-result' });
  let view = 'graph';
  let answer = null;
  let shownRange = null;

  const tabs = h('div', { class: 'tabs' }, ['graph', 'table', 'json', 'cardinality'].map(name =>
    h('button', { 'data-view': name, class: name === view ? 'current' : null, onclick: () => { view = name; render(); } }, name[0].toUpperCase() + name.slice(1))));

  async function run() {
    sessionStorage.setItem(SAVED, JSON.stringify({ tenant: tenant.value, region: region.value, query: query.value, range: range.value }));
    if (!tenant.value || !query.value) { show(out, h('p', { class: 'muted' }, 'A tenant and a query.')); return; }
    show(out, loading('the answer'));
    const end = Math.floor(Date.now() / 1000);
    const start = end - RANGES[range.value];
    const step = Math.max(1, Math.round((end - start) / 300));
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
      show(out, tabs, h('pre', { id: 'metrics-json' }, JSON.stringify(answer, null, 2)));
    } else if (view === 'table') {
      show(out, tabs, h('div', { class: 'scroll' }, h('table', { id: 'metrics-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Series'), h('th', { class: 'num' }, 'Last value'), h('th', { class: 'num' }, 'Points'))),
        h('tbody', {}, series.slice(0, 10000).map(s => h('tr', {},
          h('td', {}, h('code', {}, seriesName(s.metric))),
          h('td', { class: 'num' }, s.values.length ? si(Number(s.values[s.values.length - 1][1])) : ''),
          h('td', { class: 'num' }, count(s.values.length))))))));
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

  // Completion of what is typed at the end of the query: a metric name, a label name inside {...}, or a label's
  // value after label=" (the browser's datalist offers whole texts, so each option is the query with it completed).
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
  async function complete() {
    if (!tenant.value) return;
    const text = query.value;
    const open = text.lastIndexOf('{');
    let prefix, options;
    if (open > text.lastIndexOf('}')) { // inside a selector
      const metric = (text.slice(0, open).match(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/) || [])[1];
      const match = metric ? '?match[]=' + encodeURIComponent(metric) : '';
      const segment = text.slice(open + 1).split(',').pop();
      const value = segment.match(/^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)$/);
      if (value) {
        prefix = text.slice(0, text.length - value[3].length);
        options = (await values(`label/${encodeURIComponent(value[1])}/values${match}`)).map(v => v + '"');
      } else {
        const name = segment.match(/^\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/);
        if (!name) return;
        prefix = text.slice(0, text.length - (name[1] || '').length);
        options = (await values('labels' + match)).filter(n => n !== '__name__').map(n => n + '="');
      }
    } else {
      const word = text.match(/([a-zA-Z_:][a-zA-Z0-9_:]*)$/);
      prefix = text.slice(0, text.length - (word ? word[1].length : 0));
      options = await values('label/__name__/values');
    }
    if (query.value !== text) return; // typed on meanwhile
    show(names, options.slice(0, 500).map(o => h('option', { value: prefix + o })));
  }

  query.addEventListener('focus', complete);
  query.addEventListener('input', complete);
  tenant.addEventListener('change', () => cache.clear());
  query.addEventListener('keydown', e => { if (e.key === 'Enter') run(); });
  range.addEventListener('change', run);
  stacked.addEventListener('change', render);
  show(page,
    h('h1', {}, 'Metrics'),
    h('div', { class: 'panel' },
      h('div', { class: 'row' }, tenant, region, query, names, range,
        h('label', {}, stacked, ' stacked'),
        h('button', { class: 'primary', id: 'run-promql', onclick: run }, 'Run'))),
    out);
  if (saved.query && saved.tenant) run();
}

/** A PromQL parse error's place in the query ("1:17: parse error: ..."): the query with a caret under it. */
function errorAt(text, message) {
  const at = /(\d+):(\d+): parse error/.exec(message || '');
  if (!at) return null;
  const line = text.split('\n')[Number(at[1]) - 1] || '';
  return h('pre', { id: 'promql-error' }, line + '\n' + ' '.repeat(Math.max(0, Number(at[2]) - 1)) + '^ column ' + at[2]);
}
