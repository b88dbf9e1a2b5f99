// A line chart of a Prometheus range answer on a canvas: one line per series (stacked areas when asked), time in the
// browser's zone on x, values with SI units on y, and a legend of the series' labels.

const PALETTE = ['#2a61c9', '#e8710a', '#1e8e3e', '#d93025', '#9334e6', '#12b5cb', '#e52592', '#7cb342', '#f9ab00', '#5f6368'];

export function color(i) {
  return PALETTE[i % PALETTE.length];
}

/** Labels of a series as Prometheus prints them: name{a="b", ...}. */
export function seriesName(metric) {
  const { __name__: name = '', ...labels } = metric;
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ');
  return name + (pairs || !name ? `{${pairs}}` : '');
}

/** A number with an SI prefix: 1.2k, 3.4M, 12m. */
export function si(v) {
  if (!isFinite(v)) return String(v);
  const a = Math.abs(v);
  const units = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, u] of units) if (a >= f) return trim(v / f) + u;
  if (a > 0 && a < 1e-3) return trim(v * 1e6) + 'µ';
  if (a > 0 && a < 1) return trim(v * 1e3) + 'm';
  return trim(v);
}

function trim(v) {
  return String(Number(v.toPrecision(3)));
}

/**
 * Draws `series` ([{metric, values: [[t, "v"], ...]}]) over [start, end] (seconds) on `canvas`; returns how many
 * points were drawn.
 */
export function drawChart(canvas, series, start, end, stacked) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 800;
  const height = canvas.clientHeight || 320;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const left = 56, right = 12, top = 10, bottom = 26;
  const lines = series.map(s => s.values.map(([t, v]) => [t, Number(v)]).filter(([, v]) => isFinite(v)));
  if (stacked) { // each point adds the sum of the lines before it at the same time
    const sums = new Map();
    for (const line of lines) for (const p of line) { const below = sums.get(p[0]) || 0; p[1] += below; sums.set(p[0], p[1]); }
  }
  let min = Infinity, max = -Infinity;
  for (const line of lines) for (const [, v] of line) { min = Math.min(min, v); max = Math.max(max, v); }
  if (!isFinite(min)) { min = 0; max = 1; }
  if (stacked) min = Math.min(0, min);
  if (min === max) { min -= 1; max += 1; }
  const x = t => left + (t - start) / Math.max(1e-9, end - start) * (width - left - right);
  const y = v => top + (1 - (v - min) / (max - min)) * (height - top - bottom);

  g.strokeStyle = '#e3e6ea'; g.fillStyle = '#5d6875'; g.font = '11px system-ui, sans-serif'; g.lineWidth = 1;
  for (let i = 0; i <= 4; i++) { // value grid
    const v = min + (max - min) * i / 4;
    g.beginPath(); g.moveTo(left, y(v)); g.lineTo(width - right, y(v)); g.stroke();
    g.textAlign = 'right'; g.textBaseline = 'middle'; g.fillText(si(v), left - 6, y(v));
  }
  const span = end - start;
  const format = span > 2 * 86400 ? { month: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit' };
  for (let i = 0; i <= 5; i++) { // time axis, in the browser's zone
    const t = start + span * i / 5;
    g.textAlign = i === 0 ? 'left' : i === 5 ? 'right' : 'center'; g.textBaseline = 'top';
    g.fillText(new Date(t * 1000).toLocaleString(undefined, format), x(t), height - bottom + 6);
  }
  let points = 0;
  lines.forEach((line, i) => {
    g.strokeStyle = color(i); g.lineWidth = 1.5; g.beginPath();
    let drawing = false, previous = null;
    for (const [t, v] of line) {
      const gap = previous !== null && t - previous > 2.5 * (span / Math.max(1, line.length));
      if (!drawing || gap) g.moveTo(x(t), y(v)); else g.lineTo(x(t), y(v));
      drawing = true; previous = t; points++;
    }
    g.stroke();
  });
  canvas.dataset.points = String(points);
  return points;
}
