import type { BenchChart } from '../../src/ports/chart-renderer.ts';
import type { Painter } from './canvas-chart-renderer.ts';

type ScoreChart = Extract<BenchChart, { kind: 'score' }>;
interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

const INK = '#1f2933';
const MUTED = '#52606d';
const SERIES = [
  { key: 'precision', name: 'precision', color: '#3b82f6' },
  { key: 'recall', name: 'recall', color: '#f59e0b' },
  { key: 'f1', name: 'F1', color: '#10b981' },
] as const;
const LABEL_SIZE = 14;
const TICK_SIZE = 13;

/**
 * The canvas grows with the classes so 20 stay readable: each class gets a row of the matrix and a row of
 * horizontal bars (long labels read level, values sit at the bar ends), 1100x520 for a few classes.
 */
export function scoreChartSize(chart: ScoreChart): { width: number; height: number } {
  const n = Math.max(chart.classes.length, chart.matrix.labels.length);
  return { width: n > 6 ? 1400 : 1100, height: Math.max(520, 190 + n * 40) };
}

/** Left: the confusion matrix as a heat map (shaded by share of the expected row). Right: P/R/F1 per class. */
export function drawScoreChart(p: Painter, chart: ScoreChart): void {
  const { width, height } = scoreChartSize(chart);
  p.text(chart.title, width / 2, 34, { size: 20, color: INK, align: 'center', bold: true });
  const labelWidth = Math.min(170, Math.max(40, ...chart.matrix.labels.map((l) => p.width(short(l), LABEL_SIZE)))) + 12;
  const top = 80 + Math.min(120, labelWidth * 0.7); // room for the slanted column labels
  const size = Math.min(height - top - 40, width * 0.56 - labelWidth - 40);
  drawMatrix(p, chart, { x: 30 + labelWidth, y: top, w: size, h: size });
  const left = 30 + labelWidth + size + 60;
  const barLabels = Math.min(170, Math.max(40, ...chart.classes.map((c) => p.width(short(c.label), LABEL_SIZE)))) + 12;
  drawBars(p, chart, { x: left + barLabels, y: 100, w: width - left - barLabels - 60, h: height - 160 });
}

function drawMatrix(p: Painter, chart: ScoreChart, box: Box): void {
  const { labels, counts } = chart.matrix;
  const cell = box.w / Math.max(1, labels.length);
  const font = Math.max(10, Math.min(16, cell / 3));
  p.text('predicted →', box.x, box.y - Math.min(110, cell * 4) - 12, { size: TICK_SIZE, color: MUTED });
  p.text('expected ↓', box.x - 10, box.y - 8, { size: TICK_SIZE, color: MUTED, align: 'right' });
  labels.forEach((label, i) => {
    const rowTotal = (counts[i] ?? []).reduce((a, b) => a + b, 0);
    const mid = box.y + i * cell + cell / 2;
    p.text(short(label), box.x - 8, mid + LABEL_SIZE / 3, { size: LABEL_SIZE, color: INK, align: 'right' });
    slanted(p, short(label), box.x + i * cell + cell / 2, box.y - 6);
    labels.forEach((_, j) => {
      const n = counts[i]?.[j] ?? 0;
      const share = rowTotal === 0 ? 0 : n / rowTotal;
      p.ctx.fillStyle = i === j ? shade(16, 185, 129, share) : shade(239, 68, 68, share);
      p.ctx.fillRect(box.x + j * cell + 1, box.y + i * cell + 1, cell - 2, cell - 2);
      const full = n.toLocaleString('en');
      p.text(p.width(full, font) > cell - 4 ? compact(n) : full, box.x + j * cell + cell / 2, mid + font / 3, {
        size: font,
        color: share > 0.55 ? '#ffffff' : INK,
        align: 'center',
      });
    });
  });
}

/** Column labels read upwards at 45°, so long ones never run into each other. */
function slanted(p: Painter, text: string, x: number, y: number): void {
  p.ctx.save();
  p.ctx.translate(x, y);
  p.ctx.rotate(-Math.PI / 4);
  p.text(text, 0, 0, { size: LABEL_SIZE, color: INK });
  p.ctx.restore();
}

function drawBars(p: Painter, chart: ScoreChart, box: Box): void {
  const { ctx } = p;
  SERIES.forEach((s, k) => {
    const x = box.x + k * 120;
    ctx.fillStyle = s.color;
    ctx.fillRect(x, box.y - 36, 16, 16);
    p.text(s.name, x + 22, box.y - 22, { size: TICK_SIZE, color: INK });
  });
  ctx.strokeStyle = '#d0d7de';
  ctx.lineWidth = 1;
  for (let t = 0; t <= 4; t++) {
    const x = box.x + (t / 4) * box.w;
    ctx.beginPath();
    ctx.moveTo(x, box.y);
    ctx.lineTo(x, box.y + box.h);
    ctx.stroke();
    p.text((t / 4).toFixed(2), x, box.y + box.h + 20, { size: TICK_SIZE, color: MUTED, align: 'center' });
  }
  const row = box.h / Math.max(1, chart.classes.length);
  const bar = Math.min(14, (row - 8) / SERIES.length);
  const valueSize = Math.max(10, Math.min(12, bar + 1));
  chart.classes.forEach((c, i) => {
    const top = box.y + i * row + (row - bar * SERIES.length) / 2;
    p.text(short(c.label), box.x - 10, box.y + i * row + row / 2 + LABEL_SIZE / 3, {
      size: LABEL_SIZE,
      color: INK,
      align: 'right',
    });
    SERIES.forEach((s, k) => {
      const value = c[s.key];
      const w = Math.max(1, value * box.w);
      const y = top + k * bar;
      ctx.fillStyle = s.color;
      ctx.fillRect(box.x, y, w, bar - 1);
      // The value at the end of its bar; inside it, in white, when the bar reaches the right edge.
      const inside = w > box.w - 40;
      p.text(value.toFixed(2), inside ? box.x + w - 4 : box.x + w + 4, y + bar / 2 + valueSize / 3, {
        size: valueSize,
        color: inside ? '#ffffff' : INK,
        align: inside ? 'right' : 'left',
      });
    });
  });
}

const shade = (r: number, g: number, b: number, share: number): string =>
  `rgba(${r}, ${g}, ${b}, ${(0.08 + 0.92 * share).toFixed(3)})`;

/** 6596 -> 6.6k, when the full count does not fit its cell. */
const compact = (n: number): string =>
  n < 1000 ? String(n) : n < 1_000_000 ? `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k` : `${(n / 1e6).toFixed(1)}M`;

export const short = (label: string): string => (label.length > 20 ? `${label.slice(0, 19)}…` : label);
