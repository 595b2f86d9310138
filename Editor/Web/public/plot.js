// Line plots for component previews (impulse responses, loss curves) on a canvas, with readable axes: ticks at
// "nice" values (1, 2 or 5 times a power of ten), labels that fit inside the canvas, decades on a log axis.

/** Evenly spaced nice tick values covering [min, max] with about `count` intervals. */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * 0.999);
  const first = Math.ceil(min / step - 1e-9) * step;
  const ticks = [];
  for (let v = first; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** Tick label text: as few digits as the tick step needs. */
export function tickLabel(v, step) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Math.max(0, Math.min(3, -Math.floor(Math.log10(step / a)))));
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

const SERIES_COLOURS = ['#5fb3ff', '#ffb454', '#7ddc7d', '#ff6b6b', '#c792ea'];

/** Draws `plot` ({ xLabel, yLabel, logY, series: [{ name, x, y }] }) and returns the tick labels it placed
 * ({ axis, text, left, right }) so a test can check that they are even and inside the canvas. */
export function drawPlot(canvas, plot) {
  const g = canvas.getContext('2d');
  const W = canvas.width, H = canvas.height, R = 12, T = 10, B = 34;
  g.fillStyle = '#111318'; g.fillRect(0, 0, W, H);
  g.font = '11px system-ui, sans-serif';
  const tf = (y) => (plot.logY ? (y > 0 ? Math.log10(y) : null) : y);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of plot.series) {
    s.x.forEach((x, i) => {
      const y = s.y[i] === null ? null : tf(s.y[i]);
      if (x === null || y === null) return;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    });
  }
  const placed = [];
  if (!isFinite(x0)) { g.fillStyle = '#8c92a0'; g.fillText('no data yet', 40, H / 2); return placed; }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y0 -= 0.5; y1 += 0.5; }
  // y ticks: decades on a log axis (whole powers of ten), nice values otherwise; the axis spans the ticks.
  let yTicks;
  if (plot.logY) {
    y0 = Math.floor(y0); y1 = Math.ceil(y1); if (y1 === y0) y1 = y0 + 1;
    const every = Math.max(1, Math.ceil((y1 - y0) / 5));
    yTicks = []; for (let e = y0; e <= y1; e += every) yTicks.push(e);
  } else {
    yTicks = niceTicks(y0, y1, 4); // inside [y0, y1]
  }
  const stepY = yTicks.length > 1 ? yTicks[1] - yTicks[0] : 1;
  const yText = (v) => (plot.logY ? `1e${v}` : tickLabel(v, stepY));
  const L = Math.ceil(Math.max(...yTicks.map((v) => g.measureText(yText(v)).width))) + 10;
  const px = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const py = (y) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  g.strokeStyle = '#343843'; g.lineWidth = 1;
  g.strokeRect(L, T, W - L - R, H - T - B);
  g.fillStyle = '#8c92a0';
  for (const v of yTicks) {
    const text = yText(v), w = g.measureText(text).width, y = py(v);
    g.fillText(text, L - 6 - w, Math.min(H - B, Math.max(T + 8, y + 4)));
    g.beginPath(); g.moveTo(L - 3, y); g.lineTo(L, y); g.stroke();
    placed.push({ axis: 'y', value: v, text, left: L - 6 - w, right: L - 6 });
  }
  const xTicks = niceTicks(x0, x1, 4);
  const stepX = xTicks.length > 1 ? xTicks[1] - xTicks[0] : 1;
  for (const v of xTicks) {
    const text = tickLabel(v, stepX), w = g.measureText(text).width, x = px(v);
    const left = Math.min(W - 2 - w, Math.max(2, x - w / 2)); // the last label is kept inside the canvas
    g.fillText(text, left, H - B + 14);
    g.beginPath(); g.moveTo(x, H - B); g.lineTo(x, H - B + 3); g.stroke();
    placed.push({ axis: 'x', value: v, text, left, right: left + w });
  }
  const xl = plot.xLabel ?? '';
  g.fillText(xl, L + (W - L - R - g.measureText(xl).width) / 2, H - 4);
  g.save(); g.beginPath(); g.rect(L, T, W - L - R, H - T - B); g.clip();
  plot.series.forEach((s, k) => {
    g.strokeStyle = SERIES_COLOURS[k % SERIES_COLOURS.length]; g.lineWidth = 1.5; g.beginPath();
    let pen = false;
    s.x.forEach((x, i) => {
      const y = s.y[i] === null ? null : tf(s.y[i]);
      if (x === null || y === null) { pen = false; return; }
      if (pen) g.lineTo(px(x), py(y)); else g.moveTo(px(x), py(y));
      pen = true;
    });
    g.stroke();
  });
  g.restore();
  plot.series.forEach((s, k) => {
    g.fillStyle = SERIES_COLOURS[k % SERIES_COLOURS.length];
    g.fillText(s.name, W - R - 4 - g.measureText(s.name).width, T + 14 + 13 * k);
  });
  if (plot.yLabel) { g.fillStyle = '#8c92a0'; g.fillText(plot.yLabel + (plot.logY ? ' (log)' : ''), L + 6, T + 14); }
  return placed;
}
