import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { CanvasChartRenderer } from '../../../adapters/charts/canvas-chart-renderer.ts';
import type { BenchChart } from '../../../src/ports/chart-renderer.ts';

const scoreChart: BenchChart = {
  kind: 'score',
  title: 'sst2: accuracy 87.3%',
  matrix: {
    labels: ['neg', 'pos'],
    counts: [
      [380, 48],
      [62, 382],
    ],
  },
  classes: [
    { label: 'neg', precision: 0.86, recall: 0.888, f1: 0.874 },
    { label: 'pos', precision: 0.888, recall: 0.86, f1: 0.874 },
  ],
};

const runChart: BenchChart = {
  kind: 'run',
  title: 'Run: 2 models',
  models: [
    { name: 'nova-lite', accuracy: 0.8, costUsd: 0.002, latenciesMs: [300, 320, 500, 900] },
    { name: 'claude-haiku', accuracy: 0.9, costUsd: 0.01, latenciesMs: [600, 700, 800, 1500] },
  ],
};

/** Dark pixels in a region: text was drawn there. */
async function inkIn(png: Uint8Array, region: { x: number; y: number; w: number; h: number }): Promise<number> {
  const image = await loadImage(Buffer.from(png));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(region.x, region.y, region.w, region.h);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 100) dark++;
  return dark;
}

describe('CanvasChartRenderer', () => {
  const title = { x: 300, y: 10, w: 500, h: 35 };

  it('draws the score chart as a 1100x520 PNG with its title in a real font', async () => {
    const renderer = new CanvasChartRenderer();
    const png = await renderer.render(scoreChart);
    expect(Buffer.from(png.subarray(1, 4)).toString()).toBe('PNG');
    expect(Buffer.from(png).readUInt32BE(16)).toBe(1100);
    expect(Buffer.from(png).readUInt32BE(20)).toBe(520);
    if (renderer.fontFamily !== undefined) expect(await inkIn(png, title)).toBeGreaterThan(100);
  });

  it('grows with 20 classes: long labels level beside horizontal bars, each bar with its value', async () => {
    const labels = Array.from({ length: 20 }, (_, i) => `customer request type ${i + 1}`);
    const chart: BenchChart = {
      kind: 'score',
      title: '20 classes',
      matrix: { labels, counts: labels.map((_, i) => labels.map((_, j) => (i === j ? 12_345 : j))) },
      classes: labels.map((label) => ({ label, precision: 0.5, recall: 0.75, f1: 0.6 })),
    };
    const renderer = new CanvasChartRenderer();
    const png = await renderer.render(chart);
    expect(Buffer.from(png).readUInt32BE(16)).toBe(1400);
    expect(Buffer.from(png).readUInt32BE(20)).toBe(990);
    if (renderer.fontFamily === undefined) return;
    // The last class's label sits left of its bars, at the bottom (it used to be squeezed under a 22 px group).
    expect(await inkIn(png, { x: 800, y: 900, w: 180, h: 40 })).toBeGreaterThan(50);
  });

  it('draws the run chart (accuracy vs cost, latency spread)', async () => {
    const png = await new CanvasChartRenderer().render(runChart);
    expect(png.byteLength).toBeGreaterThan(5000);
    expect(await inkIn(png, title)).toBeGreaterThan(100);
  });

  it('still writes text with the built-in pixel font when no font file is found', async () => {
    const renderer = new CanvasChartRenderer({ fontPaths: ['/nonexistent/font.ttf'], systemFonts: false });
    expect(renderer.fontFamily).toBeUndefined();
    const png = await renderer.render(scoreChart);
    expect(await inkIn(png, title)).toBeGreaterThan(100);
  });
});
