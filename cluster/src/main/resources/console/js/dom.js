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
