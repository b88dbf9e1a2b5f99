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

  const tabs = h('div', { class: 'tabs' }, ['graph', 'table', 'json'].map(name =>
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
      show(out, errorBox(e));
    }
  }

  function render() {
    for (const b of tabs.children) b.classList.toggle('current', b.dataset.view === view);
    if (!answer) return;
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

  let offered = '';
  async function offerNames() { // metric names for the tenant, as the query's datalist
    if (!tenant.value || offered === tenant.value) return;
    offered = tenant.value;
    try {
      const params = region.value ? '?region=' + encodeURIComponent(region.value) : '';
      const values = await api(`${tenantPath(tenant.value)}/prom/api/v1/label/__name__/values${params}`);
      show(names, values.data.slice(0, 5000).map(n => h('option', { value: n })));
    } catch (e) { offered = ''; }
  }

  query.addEventListener('focus', offerNames);
  tenant.addEventListener('change', () => { offered = ''; offerNames(); });
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
