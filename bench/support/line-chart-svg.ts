/** A small dependency-free SVG of line panels (one panel per series group), for docs plots. */

export interface ChartSeries {
  readonly label: string;
  /** y values aligned with the panel's x values. */
  readonly values: readonly number[];
}

export interface ChartPanel {
  readonly title: string;
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function linePanelsSvg(title: string, xLabel: string, yLabel: string, panels: readonly ChartPanel[]): string {
  const w = 300;
  const h = 190;
  const pad = { left: 42, right: 10, top: 26, bottom: 34 };
  const columns = Math.min(3, panels.length);
  const rows = Math.ceil(panels.length / columns);
  const labels = [...new Set(panels.flatMap((p) => p.series.map((s) => s.label)))];
  const legendH = 24;
  const width = columns * w;
  const height = rows * h + 30 + legendH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="13">${escape(title)}</text>`,
  ];
  labels.forEach((label, i) => {
    const x = 10 + i * 150;
    out.push(`<rect x="${x}" y="28" width="12" height="3" fill="${COLOURS[i % COLOURS.length]}"/><text x="${x + 16}" y="33">${escape(label)}</text>`);
  });
  panels.forEach((panel, index) => {
    const ox = (index % columns) * w;
    const oy = 30 + legendH + Math.floor(index / columns) * h;
    const pw = w - pad.left - pad.right;
    const ph = h - pad.top - pad.bottom;
    const xMax = Math.max(...panel.x, 1);
    const sx = (x: number) => ox + pad.left + (x / xMax) * pw;
    const sy = (y: number) => oy + pad.top + (1 - y) * ph;
    out.push(`<text x="${ox + pad.left + pw / 2}" y="${oy + 16}" text-anchor="middle" font-size="11">${escape(panel.title)}</text>`);
    out.push(`<rect x="${ox + pad.left}" y="${oy + pad.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
      out.push(`<line x1="${ox + pad.left}" x2="${ox + pad.left + pw}" y1="${sy(tick)}" y2="${sy(tick)}" stroke="#eee"/>`);
      out.push(`<text x="${ox + pad.left - 4}" y="${sy(tick) + 3}" text-anchor="end">${tick}</text>`);
    }
    out.push(`<text x="${ox + pad.left + pw}" y="${oy + h - 20}" text-anchor="end">${xMax}</text><text x="${ox + pad.left}" y="${oy + h - 20}">0</text>`);
    out.push(`<text x="${ox + pad.left + pw / 2}" y="${oy + h - 8}" text-anchor="middle">${escape(xLabel)}</text>`);
    out.push(`<text transform="translate(${ox + 10} ${oy + pad.top + ph / 2}) rotate(-90)" text-anchor="middle">${escape(yLabel)}</text>`);
    for (const s of panel.series) {
      const colour = COLOURS[labels.indexOf(s.label) % COLOURS.length];
      const points = s.values.map((y, i) => `${sx(panel.x[i]!).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      out.push(`<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
