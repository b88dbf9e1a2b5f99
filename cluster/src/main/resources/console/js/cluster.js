import { api } from './api.js';
import { h, show, errorBox, loading, count, time } from './dom.js';

/**
 * The cluster as this node sees it (GET /v1/cluster, admin): members per region with reachability and roles, shards
 * per node, regions declared lost, replication lag per region from every node (GET /v1/cluster/replication), the
 * events this node saw (GET /v1/cluster/events), and where a tenant lives (GET
 * /v1/cluster/entities/tenant-circuit/{t}). Refreshed every 5 s while shown.
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
      const [c, lag, seen, running] = await Promise.all([api('/v1/cluster'), api('/v1/cluster/replication').catch(() => null),
        api('/v1/cluster/events').catch(() => null), api('/v1/cluster/entities').catch(() => null)]);
      const entities = (running && running.entities) || {};
      const runningTypes = Object.keys(entities).sort();
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
              types.map(t => h('th', { class: 'num' }, t + ' shards')),
              runningTypes.map(t => h('th', { class: 'num', title: 'entities running now (not passivated)' }, t + ' running')))),
            h('tbody', {}, members.map(m => h('tr', {},
              h('td', {}, h('code', {}, m.address)),
              h('td', {}, m.status),
              h('td', {}, h('span', { class: m.reachable ? 'badge good' : 'badge bad' }, m.reachable ? 'yes' : 'no')),
              h('td', {}, (m.roles || []).join(', ')),
              types.map(t => h('td', { class: 'num' }, count((c.shards[t] || {})[m.address]))),
              runningTypes.map(t => h('td', { class: 'num' }, count(entities[t][m.address]))))))),
        ]),
        c.shards_error ? h('p', { class: 'muted' }, 'Shards: ' + c.shards_error) : null,
        replication(lag),
        events(seen));
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

/**
 * Replication between regions as every node reports it (GET /v1/cluster/replication): per region, per home region it
 * follows, the replicas there and the furthest behind (versions and seconds); a region cut off from a majority.
 */
function replication(answer) {
  if (!answer) return null;
  const rows = [];
  for (const region of answer.regions) {
    for (const f of region.follows) {
      rows.push(h('tr', {},
        h('td', {}, region.region), h('td', {}, f.home_region),
        h('td', { class: 'num' }, count(f.replicas)),
        h('td', { class: 'num' }, count(f.lag_versions)),
        h('td', { class: 'num' }, f.lag_seconds.toFixed(1) + ' s')));
    }
  }
  return h('div', { id: 'replication' },
    h('h2', {}, 'Replication between regions'),
    answer.regions.filter(r => r.cut_off).map(r =>
      h('div', { class: 'error' }, `Region ${r.region} hears from fewer than a majority of the regions: its homes refuse writes (${r.cut_off}).`)),
    rows.length
      ? h('table', {},
          h('thead', {}, h('tr', {}, h('th', {}, 'Region'), h('th', {}, 'Follows home region'), h('th', { class: 'num' }, 'Replicas'),
            h('th', { class: 'num' }, 'Furthest behind (versions)'), h('th', { class: 'num' }, 'Furthest behind (time)'))),
          h('tbody', {}, rows))
      : h('p', { class: 'muted' }, 'No replica follows a home in another region.'),
    answer.unanswered.length ? h('p', { class: 'muted' }, 'Not answering: ' + answer.unanswered.join(', ')) : null);
}

const EVENT_CLASS = { member_unreachable: 'bad', region_unreachable: 'bad', region_reachable: 'good', member_downed: 'bad', member_removed: 'bad', region_lost: 'bad', region_cut_off: 'bad',
  member_up: 'good', member_reachable: 'good', region_readmitted: 'good', region_reconnected: 'good' };

/** The cluster events this node has seen (GET /v1/cluster/events), newest first, the latest 100. */
function events(answer) {
  if (!answer) return null;
  return h('div', { id: 'events' },
    h('h2', {}, 'Events seen by this node'),
    h('p', { class: 'muted' }, 'Since this node started, ' + time(answer.since) + ': members joining, up, unreachable, downed, removed; regions declared lost or cut off.'),
    answer.events.length
      ? h('div', { class: 'scroll' }, h('table', { id: 'events-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Event'), h('th', {}, 'Subject'), h('th', {}, 'Region'), h('th', {}, ''))),
          h('tbody', {}, answer.events.slice(0, 100).map(e => h('tr', { 'data-kind': e.kind },
            h('td', { class: 'nowrap' }, time(e.at)),
            h('td', {}, h('span', { class: 'badge ' + (EVENT_CLASS[e.kind] || '') }, e.kind.replace(/_/g, ' '))),
            h('td', {}, h('code', {}, e.subject)),
            h('td', {}, e.region),
            h('td', { class: 'muted' }, e.detail))))))
      : h('p', { class: 'muted' }, 'None yet.'));
}
