import { api, tenantPath } from './api.js';
import { h, show, errorBox, loading, count, bytes, plural, paged, time } from './dom.js';

const REFRESH_MS = 5000;
const PAGE = 50; // tenants a page; only the page shown is described and refreshed
const HOUR_MS = 3600 * 1000;
const ERRORS_EVERY = 6; // refreshes: every 30 s

/**
 * The tenants the token may see (GET /v1/tenants), 50 a page, each with its version, events a second (from the
 * versions of two refreshes), tables, views, its state against its budgets (GET /v1/tenants/{t}) and its errors of
 * the last hour (GET /v1/tenants/{t}/errors); the page shown is refreshed every 5 s.
 */
export function tenantsPage(page) {
  const list = h('div', {}, loading('tenants'));
  const name = h('input', { placeholder: 'new tenant name', pattern: '[a-z0-9_-]+', id: 'new-tenant' });
  show(page,
    h('h1', {}, 'Tenants'),
    h('div', { class: 'panel row' },
      h('span', { class: 'grow muted' }, 'A tenant exists once its first SQL request is accepted or metrics are stored for it.'),
      name,
      h('button', { class: 'primary', onclick: () => { if (name.value) location.hash = '#/tenants/' + encodeURIComponent(name.value); } }, 'Open')),
    list);
  const seen = new Map(); // tenant -> {version, at}: the previous refresh's, for events a second
  load(list, seen);
  let refreshes = 0;
  const timer = setInterval(() => refreshDetails(list, seen, ++refreshes % ERRORS_EVERY === 0), REFRESH_MS);
  return () => clearInterval(timer);
}

/** Versions and state every refresh; errors (asked of every node) every ERRORS_EVERY refreshes. */
function refreshDetails(list, seen, errorsToo) {
  for (const row of list.querySelectorAll('tr[data-tenant]')) describe(row, seen, errorsToo);
}

async function load(list, seen) {
  try {
    const tenants = [];
    let after = null;
    do {
      const pageOf = await api('/v1/tenants?limit=1000' + (after ? '&after=' + encodeURIComponent(after) : ''));
      tenants.push(...pageOf.tenants);
      after = pageOf.next;
    } while (after && tenants.length < 10000);
    if (!tenants.length) {
      show(list, h('p', { class: 'muted' }, 'No tenant yet: open one by name above and send it SQL.'));
      return;
    }
    const rows = shown => shown.map(t => {
      const tr = h('tr', { 'data-tenant': t.name, 'data-sql': t.sql || null },
        h('td', {}, h('a', { href: '#/tenants/' + encodeURIComponent(t.name) }, t.name)),
        h('td', {}, t.sql ? h('span', { class: 'badge' }, 'SQL') : null, ' ', t.metrics ? h('span', { class: 'badge' }, 'metrics') : null),
        h('td', { class: 'num version' }), h('td', { class: 'num rate' }), h('td', { class: 'objects' }), h('td', { class: 'budgets' }),
        h('td', { class: 'errors' }));
      describe(tr, seen);
      return tr;
    });
    show(list, paged(tenants, PAGE, shown => h('table', { id: 'tenants' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Tenant'), h('th', {}, 'Holds'), h('th', { class: 'num' }, 'Version'),
        h('th', { class: 'num' }, 'Events/s'), h('th', {}, 'Tables, views'), h('th', {}, 'State against budgets'),
        h('th', {}, 'Errors, last hour'))),
      h('tbody', {}, rows(shown))), 'tenants-list'));
  } catch (e) {
    show(list, errorBox(e));
  }
}

async function describe(row, seen, errorsToo = true) {
  const tenant = row.dataset.tenant;
  const cell = name => row.querySelector('td.' + name);
  if (errorsToo) recentErrors(tenant, cell('errors'));
  if (!row.hasAttribute('data-sql')) return;
  try {
    const t = await api(tenantPath(tenant));
    const now = Date.now();
    const before = seen.get(tenant);
    seen.set(tenant, { version: t.version, at: now });
    const rows = (t.tables || []).reduce((n, table) => n + (table.rows || 0), 0);
    show(cell('version'), count(t.version));
    show(cell('rate'), before ? ((t.version - before.version) / ((now - before.at) / 1000)).toFixed(1) : '…');
    show(cell('objects'), `${plural(t.tables.length, 'table')} (${plural(rows, 'row')}), ${plural(t.views.length, 'view')}`
      + (t.home ? `, home ${t.home}` : ''));
    show(cell('budgets'), budgetBars(t.budgets));
  } catch (e) {
    show(cell('objects'), h('span', { class: 'badge bad' }, e.code || 'error'));
  }
}

/** How many errors the tenant's requests were answered with in the last hour, and the latest. */
async function recentErrors(tenant, cell) {
  try {
    const { errors } = await api(tenantPath(tenant) + '/errors?limit=50');
    const recent = errors.filter(e => Date.now() - new Date(e.at) < HOUR_MS);
    if (!recent.length) { show(cell, h('span', { class: 'muted' }, 'none')); return; }
    const latest = recent[0];
    show(cell, h('a', { href: '#/tenants/' + encodeURIComponent(tenant), title: latest.message },
      h('span', { class: 'badge bad' }, (recent.length === 50 ? '50+' : count(recent.length))),
      ' latest ', h('code', {}, latest.code), ' at ', time(latest.at)));
  } catch (e) {
    show(cell, h('span', { class: 'badge bad' }, e.code || 'error'));
  }
}

/** State rows and bytes against the tenant's budgets, as bars. */
export function budgetBars(budgets) {
  if (!budgets) return null;
  return ['max-state-rows', 'max-state-bytes', 'max-views'].filter(name => budgets[name]).map(name => {
    const b = budgets[name];
    const share = b.limit ? Math.min(1, (b.used || 0) / b.limit) : 0;
    const value = name === 'max-state-bytes' ? bytes(b.used || 0) + ' of ' + bytes(b.limit) : count(b.used || 0) + ' of ' + count(b.limit);
    return h('div', { class: 'budget', title: name + (b.overridden ? ' (set for this tenant)' : ' (node default)') },
      h('span', { class: 'budget-name' }, name.replace('max-', '')),
      h('span', { class: 'bar' }, h('span', { style: `width:${(share * 100).toFixed(1)}%`, class: share > 0.9 ? 'full' : null })),
      h('span', { class: 'muted' }, value));
  });
}
