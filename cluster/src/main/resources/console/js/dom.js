// Small helpers to build the page: every text goes in as text, never as HTML.

/** An element: h('td', {class: 'num'}, '12'); children may be strings, numbers, elements, arrays or null. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `el`. */
export function show(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An error as the page shows it: the API's message, its code and what its details locate. */
export function errorBox(e) {
  if (e && e.name === 'AbortError') return null;
  const code = e && e.code ? e.code : 'error';
  const details = e && e.details && Object.keys(e.details).length ? ' ' + JSON.stringify(e.details) : '';
  return h('div', { class: 'error', role: 'alert', 'data-code': code }, `${code}: ${e && e.message}${details}`);
}

export function loading(what) {
  return h('p', { class: 'loading' }, 'Loading ' + what + '…');
}

const NUMBER = new Intl.NumberFormat();

/** A count with thousands separators. */
export function count(n) {
  return n === null || n === undefined ? '' : NUMBER.format(n);
}

/** A count and its noun, plural but for one: "1 table", "3 tables". */
export function plural(n, noun) {
  return count(n) + ' ' + noun + (n === 1 ? '' : 's');
}

/** Bytes with a unit. */
export function bytes(n) {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
}

/** A value of a row as a cell shows it. */
export function cell(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, 'NULL');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A table of rows (objects) under the given column names. */
export function rowsTable(columns, rows, rowClass) {
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map(c => h('th', {}, c)))),
    h('tbody', {}, rows.map(row => h('tr', { class: rowClass ? rowClass(row) : null },
      columns.map(c => h('td', {}, cell(row[c])))))));
}

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

/** An ISO-8601 instant (or epoch milliseconds) in the browser's zone. */
export function time(at) {
  const date = new Date(at);
  return isNaN(date) ? '' : TIME.format(date);
}

/**
 * Rows shown a page at a time: `render(slice, from)` draws the rows [from, from + size); the pager under them moves
 * between pages. For answers too large for one table (10,000 series, 100,000 rows) without freezing the page.
 */
export function paged(rows, size, render, id) {
  const body = h('div', {});
  const pager = h('div', { class: 'row pager', id: id ? id + '-pager' : null });
  const holder = h('div', { id }, body, pager);
  let at = 0;
  function draw() {
    const from = at * size;
    show(body, render(rows.slice(from, from + size), from));
    const pages = Math.ceil(rows.length / size);
    show(pager, pages <= 1 ? null : [
      h('button', { class: 'prev', disabled: at === 0, onclick: () => { at--; draw(); } }, '← Previous'),
      h('span', { class: 'muted' }, `${count(from + 1)}–${count(Math.min(rows.length, from + size))} of ${count(rows.length)}`),
      h('button', { class: 'next', disabled: at >= pages - 1, onclick: () => { at++; draw(); } }, 'Next →')]);
  }
  draw();
  return holder;
}

/** A link that saves what `text()` gives (made on click, so a large answer costs nothing until asked) as `name`. */
export function download(name, text, type) {
  const link = h('a', { href: '#', download: name, class: 'download' }, 'Download ' + name);
  link.addEventListener('click', () => {
    if (link.dataset.ready) return;
    link.href = URL.createObjectURL(new Blob([text()], { type: type || 'application/json' }));
    link.dataset.ready = 'yes';
  });
  return link;
}
