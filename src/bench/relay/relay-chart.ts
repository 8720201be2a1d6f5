/**
 * Hand-written SVG line charts for the relay benchmark: x = concurrent calls (log scale, the
 * ramp doubles), y = a per-step value; one colour per mode, solid for ours and dashed for
 * rtpengine; hollow markers for steps that lost packets.
 */
import { esc, niceStep } from '../svg-chart';

export interface LinePoint {
  readonly x: number;
  readonly y: number;
  readonly bad: boolean;
}

export interface LineSeries {
  readonly name: string;
  readonly color: string;
  readonly dashed: boolean;
  readonly points: readonly LinePoint[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LineSeries[];
  readonly formatY: (v: number) => string;
}

export const MODE_COLORS: Readonly<Record<string, string>> = Object.freeze({
  'srtp-rtp': '#1f77b4',
  'srtp-srtp': '#d62728',
  passthrough: '#2ca02c',
  'rtp-rtp': '#9467bd',
});

export function renderLineChart(c: LineChart): string {
  const width = 900;
  const height = 480;
  const left = 80;
  const right = 220;
  const top = 44;
  const bottom = 56;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const pts = c.series.flatMap((s) => s.points);
  const xs = pts.map((p) => p.x).filter((x) => x > 0);
  const xMin = Math.log2(Math.min(...xs, 1e9) || 1);
  const xMax = Math.max(Math.log2(Math.max(...xs, 1)), xMin + 1);
  const yMaxRaw = Math.max(1, ...pts.map((p) => p.y));
  const step = niceStep(yMaxRaw);
  const yMax = Math.ceil(yMaxRaw / step) * step;
  const X = (x: number): number => left + ((Math.log2(x) - xMin) / (xMax - xMin)) * plotW;
  const Y = (y: number): number => top + plotH - (y / yMax) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${left + plotW / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(c.title)}</text>`);
  for (let v = 0; v <= yMax + step / 2; v += step) {
    const yy = Y(v).toFixed(1);
    out.push(`<line x1="${left}" y1="${yy}" x2="${left + plotW}" y2="${yy}" stroke="#e6e6e6"/>`);
    out.push(`<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${esc(c.formatY(v))}</text>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    const xx = X(x).toFixed(1);
    out.push(`<line x1="${xx}" y1="${top}" x2="${xx}" y2="${top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${xx}" y="${top + plotH + 16}" text-anchor="middle">${x}</text>`);
  }
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 14}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, i) => {
    if (s.points.length > 0) {
      const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      for (const p of s.points) {
        out.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="4" fill="${p.bad ? '#ffffff' : s.color}" stroke="${s.color}" stroke-width="2"><title>${esc(`${s.name}: ${p.x} calls, ${c.formatY(p.y)}${p.bad ? ' (packets lost)' : ''}`)}</title></circle>`);
      }
    }
    const ly = top + 10 + i * 20;
    const lx = left + plotW + 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    out.push(`<text x="${lx + 34}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  const ny = top + 10 + c.series.length * 20 + 10;
  out.push(`<circle cx="${left + plotW + 30}" cy="${ny}" r="4" fill="#fff" stroke="#555" stroke-width="2"/><text x="${left + plotW + 50}" y="${ny}" dominant-baseline="middle">step lost packets</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
