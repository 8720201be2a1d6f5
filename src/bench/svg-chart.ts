/**
 * Grouped bar charts as plain SVG (no chart library): one group per suite, one bar per
 * implementation, a linear y axis with round ticks, n/a drawn as a gap with a label.
 */
export interface BarSeries {
  readonly name: string;
  readonly color: string;
}

export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /** values[group][series]; null means not applicable. */
  readonly values: readonly (readonly (number | null)[])[];
}

export const SERIES_COLORS: Readonly<Record<string, string>> = Object.freeze({
  ours: '#1f77b4',
  openssl: '#2ca02c',
  libsrtp: '#9467bd',
  werift: '#ff7f0e',
  naive: '#7f7f7f',
});

/** Escape text for SVG content and attribute values. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2 or 5 times a power of ten, so that about five ticks cover max. */
export function niceStep(max: number): number {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return n.toFixed(0);
}

export function renderBarChart(chart: BarChart): string {
  const width = 960;
  const height = 440;
  const left = 72;
  const right = 16;
  const top = 48;
  const bottom = 110;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...chart.values.flat().map((v) => v ?? 0));
  const step = niceStep(max);
  const yMax = Math.ceil(max / step) * step;
  const y = (v: number): number => top + plotH - (v / yMax) * plotH;
  const groupW = plotW / Math.max(chart.groups.length, 1);
  const barW = (groupW * 0.8) / Math.max(chart.series.length, 1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(chart.title)}</text>`);
  for (let v = 0; v <= yMax + step / 2; v += step) {
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${formatCount(v)}</text>`);
  }
  out.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yLabel)}</text>`);
  chart.groups.forEach((group, gi) => {
    const gx = left + gi * groupW + groupW * 0.1;
    chart.series.forEach((s, si) => {
      const v = chart.values[gi]?.[si] ?? null;
      const x = gx + si * barW;
      if (v === null) {
        out.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${top + plotH - 4}" text-anchor="middle" font-size="8" fill="#999">n/a</text>`);
        return;
      }
      const yy = y(v);
      out.push(`<rect x="${x.toFixed(1)}" y="${yy.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(top + plotH - yy).toFixed(1)}" fill="${s.color}"><title>${esc(`${s.name} ${group}: ${Math.round(v)} packets/s`)}</title></rect>`);
    });
    const lx = left + gi * groupW + groupW / 2;
    out.push(`<text transform="translate(${lx.toFixed(1)} ${top + plotH + 10}) rotate(30)" font-size="10">${esc(group)}</text>`);
  });
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${width - right}" y2="${top + plotH}" stroke="#333"/>`);
  chart.series.forEach((s, si) => {
    const lx = left + si * 130;
    const ly = height - 18;
    out.push(`<rect x="${lx}" y="${ly - 9}" width="12" height="12" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
