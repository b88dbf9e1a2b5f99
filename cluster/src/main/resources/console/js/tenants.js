import { api, tenantPath } from './api.js';
import { h, show, errorBox, loading, count } from './dom.js';

/** The tenants the token may see, each with its version, tables and views (GET /v1/tenants, GET /v1/tenants/{t}). */
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
  load(list);
}

async function load(list) {
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
    const rows = tenants.map(t => {
      const details = h('td', { class: 'muted' }, t.sql ? '…' : '');
      const tr = h('tr', { 'data-tenant': t.name },
        h('td', {}, h('a', { href: '#/tenants/' + encodeURIComponent(t.name) }, t.name)),
        h('td', {}, t.sql ? h('span', { class: 'badge' }, 'SQL') : null, ' ', t.metrics ? h('span', { class: 'badge' }, 'metrics') : null),
        details);
      if (t.sql) describe(t.name, details);
      return tr;
    });
    show(list, h('table', { id: 'tenants' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Tenant'), h('th', {}, 'Holds'), h('th', {}, 'Version, tables, views'))),
      h('tbody', {}, rows)));
  } catch (e) {
    show(list, errorBox(e));
  }
}

async function describe(tenant, into) {
  try {
    const t = await api(tenantPath(tenant));
    const rows = (t.tables || []).reduce((n, table) => n + (table.rows || 0), 0);
    show(into, `version ${count(t.version)} · ${t.tables.length} tables (${count(rows)} rows) · ${t.views.length} views`
      + (t.home ? ` · home ${t.home}` : ''));
  } catch (e) {
    show(into, h('span', { class: 'badge bad' }, e.code || 'error'));
  }
}
