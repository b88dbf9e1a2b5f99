import { api } from './api.js';
import { h, show, errorBox, loading } from './dom.js';

/** Tenant tokens (admin): list, create (the secret shown once), revoke. */
export function tokensPage(page) {
  const list = h('div', { id: 'tokens' }, loading('tokens'));
  const created = h('div', { id: 'token-created' });
  const tenant = h('input', { id: 'token-tenant', placeholder: 'tenant' });
  const name = h('input', { id: 'token-name', placeholder: 'name, e.g. grafana' });
  async function refresh() {
    try {
      const { tokens } = await api('/v1/tokens');
      if (!tokens.length) { show(list, h('p', { class: 'muted' }, 'No tenant token.')); return; }
      show(list, h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Id'), h('th', {}, 'Tenant'), h('th', {}, 'Name'), h('th', {}, 'Created'), h('th', {}))),
        h('tbody', {}, tokens.map(t => h('tr', {},
          h('td', {}, h('code', {}, t.id)), h('td', {}, t.tenant), h('td', {}, t.name),
          h('td', {}, new Date(t.created).toLocaleString()),
          h('td', {}, h('button', { onclick: () => revoke(t.id) }, 'Revoke')))))));
    } catch (e) {
      show(list, errorBox(e));
    }
  }
  async function create() {
    try {
      const t = await api('/v1/tokens', { method: 'POST', body: { tenant: tenant.value, name: name.value } });
      show(created, h('div', { class: 'panel' }, 'Token for ', h('strong', {}, t.tenant), ' (shown once, copy it now): ',
        h('code', { id: 'new-token' }, t.token)));
      refresh();
    } catch (e) {
      show(created, errorBox(e));
    }
  }
  async function revoke(id) {
    if (!confirm('Revoke token ' + id + '? It stops working on every node within a second.')) return;
    try { await api('/v1/tokens/' + encodeURIComponent(id), { method: 'DELETE' }); refresh(); } catch (e) { show(created, errorBox(e)); }
  }
  show(page, h('h1', {}, 'Tokens'),
    h('div', { class: 'panel row' }, tenant, name, h('button', { class: 'primary', id: 'create-token', onclick: create }, 'Create')),
    created, list);
  refresh();
}
