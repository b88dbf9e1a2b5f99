// A view's plan (GET /v1/tenants/{t}/views/{v}/plan) drawn as a graph: the view's output at the top, each operator
// above the ones it reads, with the state it holds and how many views share it.
import { count } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const BOX_W = 190, BOX_H = 52, GAP_X = 24, GAP_Y = 44, PAD = 12;

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** The plan's operators as an SVG graph (or null when there are none). */
export function planGraph(operators) {
  if (!operators.length) return null;
  const byId = new Map(operators.map(o => [o.id, o]));
  const depth = new Map(); // the longest path from the output: an operator sits below everything that reads it
  const visit = (op, d) => {
    if (!op || (depth.has(op.id) && depth.get(op.id) >= d)) return;
    depth.set(op.id, d);
    for (const input of op.inputs || []) visit(byId.get(input), d + 1);
  };
  visit(operators[operators.length - 1], 0);
  for (const op of operators) if (!depth.has(op.id)) depth.set(op.id, 0);
  const rows = [];
  for (const op of operators) (rows[depth.get(op.id)] ||= []).push(op);
  const widest = Math.max(...rows.map(r => r.length));
  const width = PAD * 2 + widest * BOX_W + (widest - 1) * GAP_X;
  const height = PAD * 2 + rows.length * BOX_H + (rows.length - 1) * GAP_Y;
  const at = new Map();
  rows.forEach((row, r) => {
    const rowWidth = row.length * BOX_W + (row.length - 1) * GAP_X;
    row.forEach((op, i) => at.set(op.id, {
      x: (width - rowWidth) / 2 + i * (BOX_W + GAP_X),
      y: PAD + r * (BOX_H + GAP_Y),
    }));
  });
  const graph = svg('svg', { id: 'plan-graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  graph.append(svg('title', {}, 'The view\'s operators, its output at the top'));
  for (const op of operators) { // edges first, under the boxes: from each input up to the operator reading it
    const to = at.get(op.id);
    for (const input of op.inputs || []) {
      const from = at.get(input);
      if (!from) continue;
      graph.append(svg('line', {
        x1: from.x + BOX_W / 2, y1: from.y, x2: to.x + BOX_W / 2, y2: to.y + BOX_H,
        stroke: '#9aa5b1', 'stroke-width': 1.5,
      }));
    }
  }
  for (const op of operators) {
    const { x, y } = at.get(op.id);
    const shared = op.shared_by_views > 1;
    const g = svg('g', { class: 'operator', 'data-operator': op.operator });
    g.append(svg('rect', {
      x, y, width: BOX_W, height: BOX_H, rx: 6,
      fill: shared ? '#eef4ff' : '#fff', stroke: op.state_rows > 0 ? '#2a61c9' : '#c7ced6',
    }));
    g.append(svg('text', { x: x + 10, y: y + 20, 'font-weight': 600, 'font-size': 13 },
      op.operator + (op.reads ? ' ' + op.reads : '')));
    g.append(svg('text', { x: x + 10, y: y + 40, 'font-size': 12, fill: '#5d6875' },
      `state ${count(op.state_rows || 0)} rows` + (shared ? ` · ${op.shared_by_views} views` : '')));
    graph.append(g);
  }
  return graph;
}
