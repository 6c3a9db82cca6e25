import type { BenchChart } from '../../src/ports/chart-renderer.ts';
import type { Painter } from './canvas-chart-renderer.ts';
import { short } from './score-chart.ts';

type RunChart = Extract<BenchChart, { kind: 'run' }>;

const INK = '#1f2933';
const MUTED = '#7b8794';
const COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#8b5cf6'];

/** Left: accuracy against total cost, one point per model. Right: each model's latency spread (dots, p50, p95). */
export function drawRunChart(p: Painter, chart: RunChart): void {
  p.text(chart.title, 550, 34, { size: 20, color: INK, align: 'center', bold: true });
  drawScatter(p, chart, { x: 90, y: 80, w: 400, h: 340 });
  drawLatency(p, chart, { x: 640, y: 80, w: 420, h: 340 });
}

function axes(p: Painter, box: { x: number; y: number; w: number; h: number }, xLabel: string, yLabel: string): void {
  const { ctx } = p;
  ctx.strokeStyle = '#9aa5b1';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(box.x, box.y);
  ctx.lineTo(box.x, box.y + box.h);
  ctx.lineTo(box.x + box.w, box.y + box.h);
  ctx.stroke();
  p.text(xLabel, box.x + box.w / 2, box.y + box.h + 42, { size: 13, color: MUTED, align: 'center' });
  p.text(yLabel, box.x, box.y - 12, { size: 13, color: MUTED, align: 'left' });
}

function drawScatter(p: Painter, chart: RunChart, box: { x: number; y: number; w: number; h: number }): void {
  axes(p, box, 'total cost (USD)', 'accuracy (bars: 95% interval)');
  const maxCost = Math.max(1e-9, ...chart.models.map((m) => m.costUsd)) * 1.15;
  for (let t = 0; t <= 4; t++) {
    const y = box.y + box.h - (t / 4) * box.h;
    p.text(`${t * 25}%`, box.x - 8, y + 4, { size: 11, color: MUTED, align: 'right' });
    const x = box.x + (t / 4) * box.w;
    p.text(`$${((t / 4) * maxCost).toPrecision(2)}`, x, box.y + box.h + 18, {
      size: 11,
      color: MUTED,
      align: 'center',
    });
  }
  chart.models.forEach((m, i) => {
    const x = box.x + (m.costUsd / maxCost) * box.w;
    const y = box.y + box.h - m.accuracy * box.h;
    const color = COLORS[i % COLORS.length] ?? INK;
    if (m.accuracyCi) {
      // The 95 % interval as an error bar with caps: overlapping bars mean "maybe no real difference".
      const top = box.y + box.h - m.accuracyCi.high * box.h;
      const bottom = box.y + box.h - m.accuracyCi.low * box.h;
      p.ctx.strokeStyle = color;
      p.ctx.lineWidth = 2;
      p.ctx.beginPath();
      for (const [x1, y1, x2, y2] of [
        [x, top, x, bottom],
        [x - 7, top, x + 7, top],
        [x - 7, bottom, x + 7, bottom],
      ] as const) {
        p.ctx.moveTo(x1, y1);
        p.ctx.lineTo(x2, y2);
      }
      p.ctx.stroke();
    }
    p.ctx.fillStyle = color;
    p.ctx.beginPath();
    p.ctx.arc(x, y, 8, 0, Math.PI * 2);
    p.ctx.fill();
    p.text(`${short(m.name)} ${(m.accuracy * 100).toFixed(1)}%`, x + 12, y - 10, { size: 12, color: INK });
  });
}

function drawLatency(p: Painter, chart: RunChart, box: { x: number; y: number; w: number; h: number }): void {
  axes(p, box, 'latency (ms): dots are calls, | p50, ▲ p95', '');
  const all = chart.models.flatMap((m) => m.latenciesMs);
  const max = Math.max(1, ...all) * 1.1;
  for (let t = 0; t <= 4; t++) {
    const x = box.x + (t / 4) * box.w;
    p.text(String(Math.round((t / 4) * max)), x, box.y + box.h + 18, { size: 11, color: MUTED, align: 'center' });
  }
  const lane = box.h / Math.max(1, chart.models.length);
  chart.models.forEach((m, i) => {
    const color = COLORS[i % COLORS.length] ?? INK;
    const mid = box.y + i * lane + lane / 2;
    p.text(short(m.name), box.x - 8, mid + 4, { size: 12, color: INK, align: 'right' });
    const sorted = [...m.latenciesMs].sort((a, b) => a - b);
    p.ctx.fillStyle = color;
    p.ctx.globalAlpha = 0.35;
    sorted.forEach((ms, k) => {
      const jitter = ((k * 7919) % 17) / 17 - 0.5; // deterministic spread, so identical charts compare equal
      p.ctx.fillRect(box.x + (ms / max) * box.w - 2, mid + jitter * lane * 0.5 - 2, 4, 4);
    });
    p.ctx.globalAlpha = 1;
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
    if (sorted.length === 0) return;
    const x50 = box.x + (at(0.5) / max) * box.w;
    const x95 = box.x + (at(0.95) / max) * box.w;
    p.ctx.fillRect(x50 - 2, mid - lane * 0.35, 4, lane * 0.7);
    p.ctx.beginPath();
    p.ctx.moveTo(x95, mid - 9);
    p.ctx.lineTo(x95 - 7, mid + 5);
    p.ctx.lineTo(x95 + 7, mid + 5);
    p.ctx.fill();
  });
}
