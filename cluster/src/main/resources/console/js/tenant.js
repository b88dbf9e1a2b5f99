import { api, tenantPath, token } from './api.js';
import { h, show, errorBox, loading, count, rowsTable, time } from './dom.js';
import { budgetBars } from './tenants.js';
import { planGraph } from './plan.js';

const PAGE_ROWS = 100;
const KEEP = 1000; // rows of a change stream the page holds

/**
 * One tenant: its tables and views, a SQL editor, an ad-hoc query, pasted ingest, pages of rows, a view's plan and a
 * live change stream. Returns what closes the stream when the page is left.
 */
export function tenantPage(page, [tenant]) {
  const base = tenantPath(tenant);
  const summary = h('div', { class: 'panel', id: 'summary' }, loading('the tenant'));
  const objects = h('div', { id: 'objects' });
  const detail = h('div', { id: 'detail' });
  const errors = h('div', { id: 'errors' });
  const state = { stream: null };

  async function refresh() {
    loadErrors();
    try {
      const t = await api(base);
      show(summary,
        h('div', { class: 'row' },
          h('strong', {}, 'version ', h('span', { id: 'version' }, count(t.version))),
          t.home ? h('span', { class: 'badge' }, 'home ' + t.home + (t.home_epoch ? ' · epoch ' + t.home_epoch : '')) : null,
          t.replication ? h('span', { class: 'badge' }, 'replication ' + t.replication.mode) : null),
        h('div', { class: 'row' }, budgetBars(t.budgets)));
      show(objects, objectTables(t));
    } catch (e) {
      if (e.status === 404) {
        show(summary, h('p', { class: 'muted' }, `No tenant ${tenant} yet: its first accepted SQL request creates it.`));
        show(objects);
      } else {
        show(summary, errorBox(e));
      }
    }
  }

  /** The latest errors answered to this tenant's requests, by every node (GET /v1/tenants/{t}/errors). */
  async function loadErrors() {
    try {
      const answer = await api(base + '/errors?limit=20');
      show(errors,
        h('h2', {}, 'Recent errors'),
        answer.errors.length
          ? h('div', { class: 'scroll' }, h('table', { id: 'errors-table' },
              h('thead', {}, h('tr', {}, h('th', {}, 'When'), h('th', {}, 'Request'), h('th', { class: 'num' }, 'Status'), h('th', {}, 'Code'), h('th', {}, 'Message'), h('th', {}, 'Node'))),
              h('tbody', {}, answer.errors.map(e => h('tr', {},
                h('td', { class: 'nowrap' }, time(e.at)),
                h('td', {}, h('code', {}, e.method + ' ' + e.path)),
                h('td', { class: 'num' }, e.status),
                h('td', {}, h('span', { class: 'badge bad' }, e.code)),
                h('td', {}, e.message),
                h('td', { class: 'muted' }, e.region + ' · ' + e.node.replace(/^pekko:\/\/shardview@/, '')))))))
          : h('p', { class: 'muted' }, 'No error answered to this tenant lately.'),
        answer.unanswered.length ? h('p', { class: 'muted' }, 'Not answering: ' + answer.unanswered.join(', ')) : null);
    } catch (e) {
      show(errors, h('h2', {}, 'Recent errors'), errorBox(e));
    }
  }

  function objectTables(t) {
    const tables = h('table', { id: 'tables' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Table'), h('th', {}, 'Columns'), h('th', { class: 'num' }, 'Rows'), h('th', {}))),
      h('tbody', {}, t.tables.map(table => h('tr', {},
        h('td', {}, table.name),
        h('td', {}, table.columns.map(c => `${c.name} ${c.type}${c.nullable ? '' : ' not null'}`).join(', ')),
        h('td', { class: 'num' }, count(table.rows)),
        h('td', {}, h('button', { onclick: () => rowsPanel('tables', table.name) }, 'Rows'))))));
    const views = h('table', { id: 'views' },
      h('thead', {}, h('tr', {}, h('th', {}, 'View'), h('th', {}, 'SQL'), h('th', { class: 'num' }, 'Rows'), h('th', {}))),
      h('tbody', {}, t.views.map(view => h('tr', { 'data-view': view.name },
        h('td', {}, view.name),
        h('td', {}, h('code', {}, view.sql)),
        h('td', { class: 'num' }, count(view.rows)),
        h('td', { class: 'row' },
          h('button', { onclick: () => rowsPanel('views', view.name) }, 'Rows'),
          h('button', { onclick: () => planPanel(view.name) }, 'Plan'),
          h('button', { class: 'changes', onclick: () => streamPanel(view.name) }, 'Changes'))))));
    return [h('h2', {}, 'Tables'), t.tables.length ? tables : h('p', { class: 'muted' }, 'No table.'),
      h('h2', {}, 'Views'), t.views.length ? views : h('p', { class: 'muted' }, 'No view.')];
  }

  /** Pages of a table's or view's rows, PAGE_ROWS at a time, forwards and back. */
  function rowsPanel(kind, name) {
    closeStream();
    const body = h('div', {}, loading('rows'));
    const cursors = [null];
    let at = 0;
    async function load() {
      try {
        const after = cursors[at];
        const read = await api(`${base}/${kind}/${encodeURIComponent(name)}?limit=${PAGE_ROWS}` + (after ? '&after=' + encodeURIComponent(after) : ''));
        cursors[at + 1] = read.next;
        const columns = read.columns.map(c => c.name);
        show(body,
          h('p', { class: 'muted' }, `${count(read.count)} rows at version ${count(read.version)}, hash ${read.hash} · rows ${count(at * PAGE_ROWS + 1)}–${count(at * PAGE_ROWS + read.rows.length)}`),
          h('div', { class: 'scroll' }, rowsTable(columns, read.rows)),
          h('div', { class: 'row' },
            h('button', { id: 'rows-prev', disabled: at === 0, onclick: () => { at--; load(); } }, '← Previous'),
            h('button', { id: 'rows-next', disabled: !read.next, onclick: () => { at++; load(); } }, 'Next →')));
      } catch (e) {
        show(body, errorBox(e));
      }
    }
    show(detail, h('div', { class: 'panel', id: 'rows-panel' }, h('h2', {}, (kind === 'views' ? 'View ' : 'Table ') + name), body));
    load();
  }

  /** A view's plan: its operators, the state each holds and the views sharing it. */
  async function planPanel(view) {
    closeStream();
    const body = h('div', {}, loading('the plan'));
    show(detail, h('div', { class: 'panel', id: 'plan-panel' }, h('h2', {}, 'Plan of ' + view), body));
    try {
      const plan = await api(`${base}/views/${encodeURIComponent(view)}/plan`);
      show(body,
        h('p', { class: 'muted' }, `${count(plan.rows)} rows, ${count(plan.state_rows)} rows of state, SQL revision ${plan.sql_revision}`
          + ' · blue borders hold state, blue boxes are shared with other views'),
        h('div', { class: 'scroll plan' }, planGraph(plan.operators || [])));
    } catch (e) {
      show(body, errorBox(e));
    }
  }

  /** A view's changes as they come: inserted and deleted rows, with pause and resume from the last version. */
  function streamPanel(view) {
    closeStream();
    const status = h('span', { id: 'stream-status', class: 'badge' }, 'connecting');
    const versionOut = h('span', { id: 'stream-version' }, '');
    const events = h('tbody', { id: 'stream-events' });
    const pause = h('button', { id: 'stream-pause' }, 'Pause');
    let last = null;
    let paused = false;
    function open() {
      const params = new URLSearchParams();
      if (last !== null) params.set('from', last);
      if (token()) params.set('access_token', token());
      const source = new EventSource(`${base}/views/${encodeURIComponent(view)}/changes?${params}`);
      state.stream = source;
      source.onopen = () => { status.textContent = 'live'; status.className = 'badge good'; };
      source.onmessage = message => {
        const change = JSON.parse(message.data);
        last = change.version;
        versionOut.textContent = 'version ' + count(change.version) + (change.snapshot ? ' (snapshot)' : '');
        // A snapshot of 100,000 rows draws its first rows only: the page holds the latest KEEP rows at any time, and a
        // line saying how many more the event had.
        const total = (change.deleted || []).length + (change.inserted || []).length;
        const room = total > KEEP ? KEEP - 1 : KEEP;
        const deleted = (change.deleted || []).slice(0, room);
        const inserted = (change.inserted || []).slice(0, room - deleted.length);
        const rows = [];
        for (const row of deleted) rows.push(h('tr', { class: 'deleted' }, h('td', {}, change.version), h('td', {}, '−'), h('td', {}, h('code', {}, JSON.stringify(row)))));
        for (const row of inserted) rows.push(h('tr', { class: 'inserted' }, h('td', {}, change.version), h('td', {}, '+'), h('td', {}, h('code', {}, JSON.stringify(row)))));
        if (total > room) rows.push(h('tr', { class: 'more' }, h('td', {}, change.version), h('td', {}, '…'),
          h('td', { class: 'muted' }, `${count(total - room)} more rows in this ${change.snapshot ? 'snapshot' : 'change'} (the view's pages have them all)`)));
        events.prepend(...rows.reverse());
        while (events.children.length > KEEP) events.lastChild.remove();
      };
      source.addEventListener('error', e => {
        if (e.data) { // the stream's final error event (history_gone, not_found)
          const error = JSON.parse(e.data).error;
          status.textContent = error.code; status.className = 'badge bad';
          source.close();
          return;
        }
        status.textContent = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
        status.className = 'badge bad';
      });
    }
    pause.addEventListener('click', () => {
      paused = !paused;
      pause.textContent = paused ? 'Resume' : 'Pause';
      if (paused) { closeStream(); status.textContent = 'paused'; status.className = 'badge'; } else open();
    });
    show(detail, h('div', { class: 'panel', id: 'stream-panel' },
      h('h2', {}, 'Changes of ' + view),
      h('div', { class: 'row' }, status, versionOut, pause),
      h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, ''), h('th', {}, 'Row'))), events))));
    open();
  }

  function closeStream() {
    if (state.stream) { state.stream.close(); state.stream = null; }
  }

  show(page,
    h('h1', {}, h('a', { href: '#/tenants' }, 'Tenants'), ' / ', tenant),
    summary,
    sqlEditor(base, refresh),
    h('div', { class: 'row', style: 'align-items: stretch' },
      h('div', { class: 'grow' }, queryBox(base)),
      h('div', { class: 'grow' }, ingestBox(base, refresh))),
    objects,
    detail,
    errors);
  refresh();
  return closeStream;
}

/**
 * A panel of one request: a text box, a button that sends its text (`send`, answering what to show) and the answer
 * under it, or the API's error and what `refused` adds to it. Ctrl+Enter in the box sends too. Element ids are
 * `{id}-editor`, `{id}-result` and `button.id`.
 */
function requestPanel({ title, id, placeholder, button, send, refused, after }) {
  const editor = h('textarea', { id: id + '-editor', spellcheck: 'false', placeholder });
  const out = h('div', { id: id + '-result' });
  async function run() {
    show(out, loading('the answer'));
    try {
      show(out, await send(editor.value));
    } catch (e) {
      show(out, errorBox(e), refused ? refused(e, editor) : null);
    }
    if (after) after();
  }
  editor.addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
  return h('div', { class: 'panel' },
    h('h2', {}, title),
    editor,
    h('div', { class: 'row' }, h('button', { class: 'primary', id: button.id, onclick: run }, button.label), h('span', { class: 'muted' }, 'Ctrl+Enter')),
    out);
}

/** The SQL editor: runs a request (POST /sql) and shows a refusal at its line and column. */
function sqlEditor(base, refresh) {
  return requestPanel({
    title: 'SQL', id: 'sql', placeholder: 'CREATE TABLE ...; CREATE VIEW ... AS SELECT ...', button: { id: 'run-sql', label: 'Run' }, after: refresh,
    async send(text) {
      const result = await api(base + '/sql', { method: 'POST', body: text, type: 'application/sql' });
      return h('p', { class: 'ok' }, `Applied at version ${count(result.version)}: `
        + (result.objects || []).map(o => `${o.kind} ${o.name} ${o.action}`).join(', '));
    },
    refused(e, editor) {
      if (e.details && e.details.line) placeCaret(editor, e.details.line, e.details.column || 1);
      return refusalAt(editor.value, e.details);
    },
  });
}

/** The request's text with the refused line marked and a caret under the column (details.line, details.column). */
function refusalAt(text, details) {
  if (!details || !details.line) return null;
  const lines = text.split('\n');
  const from = Math.max(0, details.line - 3);
  const to = Math.min(lines.length, details.line + 2);
  const shown = [];
  for (let i = from; i < to; i++) {
    shown.push(h('div', { class: i + 1 === details.line ? 'sql-error-line' : null }, String(i + 1).padStart(4) + '  ' + lines[i]));
    if (i + 1 === details.line) shown.push(h('div', { id: 'sql-caret' }, ' '.repeat(6 + Math.max(0, (details.column || 1) - 1)) + '^ line ' + details.line + ', column ' + (details.column || 1)));
  }
  return h('pre', { id: 'sql-refusal' }, shown);
}

function placeCaret(editor, line, column) {
  const lines = editor.value.split('\n');
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  offset += Math.max(0, column - 1);
  editor.focus();
  editor.setSelectionRange(offset, offset + 1);
}

/** One SELECT evaluated from scratch (POST /query), its rows as a table. */
function queryBox(base) {
  return requestPanel({
    title: 'Query', id: 'query', placeholder: 'SELECT ...', button: { id: 'run-query', label: 'Run' },
    async send(text) {
      const result = await api(base + '/query', { method: 'POST', body: { sql: text } });
      const columns = result.columns.map(c => c.name);
      return [h('p', { class: 'muted' }, count(result.rows.length) + ' rows'),
        h('div', { class: 'scroll' }, rowsTable(columns, result.rows.slice(0, 1000))),
        result.rows.length > 1000 ? h('p', { class: 'muted' }, 'The first 1,000 rows are shown.') : null];
    },
  });
}

/**
 * A pasted batch (POST /ingest): a JSON body {"ops": [...]}, or NDJSON (one op a line), told apart by whether the
 * text is one JSON object with "ops" in it.
 */
function ingestBox(base, refresh) {
  return requestPanel({
    title: 'Ingest', id: 'ingest', placeholder: '{"ops": [{"op": "insert", "table": "t", "row": {"id": 1}}]}\nor one op a line (NDJSON)',
    button: { id: 'send-ingest', label: 'Send' }, after: refresh,
    async send(text) {
      const result = await api(base + '/ingest', { method: 'POST', body: text, type: ndjson(text) ? 'application/x-ndjson' : 'application/json' });
      const views = Object.entries(result.views || {}).map(([v, d]) => `${v} +${d.inserted} −${d.deleted}`).join(', ');
      return h('p', { class: 'ok' }, `Applied at version ${count(result.version)}, ${result.ops} ops` + (views ? ': ' + views : ''));
    },
  });
}

function ndjson(text) {
  try {
    const body = JSON.parse(text);
    return !(body && typeof body === 'object' && 'ops' in body);
  } catch (e) {
    return true; // not one JSON value: lines of them
  }
}
