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
      const [c, metrics] = await Promise.all([api('/v1/cluster'), api('/metrics').catch(() => '')]);
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
        c.shards_error ? h('p', { class: 'muted' }, 'Shards: ' + c.shards_error) : null,
        replication(metrics));
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

/** Samples of the node's /metrics (Prometheus text) named `name`: [{labels, value}]. */
function samples(text, name) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const m = /^[^{\s]+(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const pair of (m[1] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

/**
 * Replication as this node sees it, from its /metrics: the replicas here following a home in another region, how far
 * the furthest behind is (versions and seconds) per home region, and whether this node's region is cut off.
 */
function replication(text) {
  if (!text) return null;
  const following = samples(text, 'shardview_replicas_following');
  const versions = samples(text, 'shardview_replica_lag_versions');
  const seconds = samples(text, 'shardview_replica_lag_seconds');
  const cutOff = samples(text, 'shardview_region_cut_off').some(s => s.value > 0);
  const lost = samples(text, 'shardview_regions_lost').reduce((n, s) => n + s.value, 0);
  const of = (list, region) => (list.find(s => s.labels.home_region === region) || { value: null }).value;
  return h('div', { id: 'replication' },
    h('h2', {}, 'Replication, as this node sees it'),
    cutOff ? h('div', { class: 'error' }, 'This node\'s region hears from fewer than a majority of the regions: its homes refuse writes.') : null,
    lost ? h('p', {}, `${count(lost)} region(s) declared lost.`) : null,
    following.length
      ? h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Home region'), h('th', { class: 'num' }, 'Replicas here'),
            h('th', { class: 'num' }, 'Furthest behind (versions)'), h('th', { class: 'num' }, 'Furthest behind (seconds)'))),
          h('tbody', {}, following.map(f => h('tr', {},
            h('td', {}, f.labels.home_region),
            h('td', { class: 'num' }, count(f.value)),
            h('td', { class: 'num' }, count(of(versions, f.labels.home_region))),
            h('td', { class: 'num' }, (of(seconds, f.labels.home_region) ?? 0).toFixed(1))))))
      : h('p', { class: 'muted' }, 'No replica on this node follows a home in another region.'));
}
