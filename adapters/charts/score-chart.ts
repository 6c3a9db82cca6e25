import type { BenchChart } from '../../src/ports/chart-renderer.ts';
import type { Painter } from './canvas-chart-renderer.ts';

type ScoreChart = Extract<BenchChart, { kind: 'score' }>;

const INK = '#1f2933';
const MUTED = '#7b8794';
const SERIES = [
  { key: 'precision', color: '#3b82f6' },
  { key: 'recall', color: '#f59e0b' },
  { key: 'f1', color: '#10b981' },
] as const;

/** Left: the confusion matrix as a heat map (shaded by share of the expected row). Right: P/R/F1 per class. */
export function drawScoreChart(p: Painter, chart: ScoreChart): void {
  p.text(chart.title, 550, 34, { size: 20, color: INK, align: 'center', bold: true });
  drawMatrix(p, chart, { x: 150, y: 90, size: 360 });
  drawBars(p, chart, { x: 610, y: 90, w: 450, h: 340 });
}

function drawMatrix(p: Painter, chart: ScoreChart, box: { x: number; y: number; size: number }): void {
  const { labels, counts } = chart.matrix;
  const cell = box.size / Math.max(1, labels.length);
  const font = Math.max(9, Math.min(16, cell / 4));
  p.text('predicted', box.x + box.size / 2, box.y - 30, { size: 13, color: MUTED, align: 'center' });
  p.text('expected', box.x - 10, box.y - 30, { size: 13, color: MUTED, align: 'right' });
  labels.forEach((label, i) => {
    const rowTotal = (counts[i] ?? []).reduce((a, b) => a + b, 0);
    p.text(short(label), box.x - 8, box.y + i * cell + cell / 2 + font / 3, { size: font, color: INK, align: 'right' });
    p.text(short(label), box.x + i * cell + cell / 2, box.y - 8, { size: font, color: INK, align: 'center' });
    labels.forEach((_, j) => {
      const n = counts[i]?.[j] ?? 0;
      const share = rowTotal === 0 ? 0 : n / rowTotal;
      p.ctx.fillStyle = i === j ? shade(16, 185, 129, share) : shade(239, 68, 68, share);
      p.ctx.fillRect(box.x + j * cell + 1, box.y + i * cell + 1, cell - 2, cell - 2);
      const color = share > 0.55 ? '#ffffff' : INK;
      p.text(n.toLocaleString('en'), box.x + j * cell + cell / 2, box.y + i * cell + cell / 2 + font / 3, {
        size: font,
        color,
        align: 'center',
      });
    });
  });
}

function drawBars(p: Painter, chart: ScoreChart, box: { x: number; y: number; w: number; h: number }): void {
  const { ctx } = p;
  ctx.strokeStyle = '#d0d7de';
  ctx.lineWidth = 1;
  for (let t = 0; t <= 4; t++) {
    const y = box.y + box.h - (t / 4) * box.h;
    ctx.beginPath();
    ctx.moveTo(box.x, y);
    ctx.lineTo(box.x + box.w, y);
    ctx.stroke();
    p.text((t / 4).toFixed(2), box.x - 6, y + 4, { size: 11, color: MUTED, align: 'right' });
  }
  const group = box.w / Math.max(1, chart.classes.length);
  const bar = Math.min(28, (group * 0.8) / SERIES.length);
  chart.classes.forEach((c, i) => {
    const left = box.x + i * group + (group - bar * SERIES.length) / 2;
    SERIES.forEach((s, k) => {
      const h = c[s.key] * box.h;
      ctx.fillStyle = s.color;
      ctx.fillRect(left + k * bar, box.y + box.h - h, bar - 2, h);
    });
    p.text(short(c.label), box.x + i * group + group / 2, box.y + box.h + 18, {
      size: 12,
      color: INK,
      align: 'center',
    });
  });
  SERIES.forEach((s, k) => {
    const x = box.x + k * 110;
    ctx.fillStyle = s.color;
    ctx.fillRect(x, box.y + box.h + 40, 14, 14);
    p.text(s.key === 'f1' ? 'F1' : s.key, x + 20, box.y + box.h + 52, { size: 13, color: INK });
  });
}

const shade = (r: number, g: number, b: number, share: number): string =>
  `rgba(${r}, ${g}, ${b}, ${(0.08 + 0.92 * share).toFixed(3)})`;

export const short = (label: string): string => (label.length > 20 ? `${label.slice(0, 19)}…` : label);
