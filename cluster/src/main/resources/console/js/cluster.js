import { api } from './api.js';
import { h, show, errorBox, loading, count } from './dom.js';

/**
 * The cluster as this node sees it (GET /v1/cluster, admin): members per region with reachability and roles, shards
 * per node, regions declared lost, and where a tenant lives (GET /v1/cluster/entities/tenant-circuit/{t}). Refreshed
 * every 5 s while shown.
 */
export function clusterPage(page) {
  const body = h('div', { id: 'cluster' }, loading('the cluster'));
  const tenant = h('input', { id: 'locate-tenant', placeholder: 'tenant' });
  const located = h('span', { id: 'located' });
  async function locate() {
    try {
      const where = await api('/v1/cluster/entities/tenant-circuit/' + encodeURIComponent(tenant.value));
      show(located, `shard ${where.shard} on ${where.node || '(not allocated)'}`);
    } catch (e) {
      show(located, errorBox(e));
    }
  }
  async function refresh() {
    try {
      const c = await api('/v1/cluster');
      const regions = new Map();
      for (const m of c.members) {
        if (!regions.has(m.region)) regions.set(m.region, []);
        regions.get(m.region).push(m);
      }
      const types = Object.keys(c.shards || {}).sort();
      show(body,
        h('p', {}, 'This node: ', h('code', {}, c.self), ' in region ', h('strong', {}, c.region), ', leader ', h('code', {}, c.leader || '—')),
        c.lost_regions && c.lost_regions.length
          ? h('div', { class: 'error' }, 'Regions declared lost: ' + c.lost_regions.join(', ')) : null,
        [...regions.entries()].sort().map(([region, members]) => [
          h('h2', {}, 'Region ' + region),
          h('table', { class: 'members' },
            h('thead', {}, h('tr', {}, h('th', {}, 'Member'), h('th', {}, 'Status'), h('th', {}, 'Reachable'), h('th', {}, 'Roles'),
              types.map(t => h('th', { class: 'num' }, t + ' shards')))),
            h('tbody', {}, members.map(m => h('tr', {},
              h('td', {}, h('code', {}, m.address)),
              h('td', {}, m.status),
              h('td', {}, h('span', { class: m.reachable ? 'badge good' : 'badge bad' }, m.reachable ? 'yes' : 'no')),
              h('td', {}, (m.roles || []).join(', ')),
              types.map(t => h('td', { class: 'num' }, count((c.shards[t] || {})[m.address]))))))),
        ]),
        c.shards_error ? h('p', { class: 'muted' }, 'Shards: ' + c.shards_error) : null);
    } catch (e) {
      show(body, errorBox(e));
    }
  }
  show(page,
    h('h1', {}, 'Cluster'),
    h('div', { class: 'panel row' }, h('span', {}, 'Where does a tenant live?'), tenant,
      h('button', { onclick: locate }, 'Locate'), located),
    body);
  refresh();
  const timer = setInterval(refresh, 5000);
  return () => clearInterval(timer);
}
