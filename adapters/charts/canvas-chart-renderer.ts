import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { BenchChart, ChartRenderer } from '../../src/ports/chart-renderer.ts';
import { drawPixelText, pixelTextWidth, type TextStyle } from './pixel-font.ts';
import { drawRunChart } from './run-chart.ts';
import { drawScoreChart, scoreChartSize } from './score-chart.ts';

export const DEFAULT_FONT_PATHS: readonly string[] = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

/** How chart code writes text: with the registered font, or the pixel font when none could be registered. */
export interface Painter {
  readonly ctx: SKRSContext2D;
  text(text: string, x: number, y: number, style: TextStyle): void;
  width(text: string, size: number): number;
}

/**
 * Bench charts as PNG with @napi-rs/canvas (prebuilt binaries, no download at install). Registers the first font
 * file found (`fontPaths`, then common system paths); with none it falls back to a built-in pixel font.
 */
export class CanvasChartRenderer implements ChartRenderer {
  readonly #family: string | undefined;

  /** `systemFonts: false` skips the usual system paths (tests of the fallback). */
  constructor(options: { readonly fontPaths?: readonly string[]; readonly systemFonts?: boolean } = {}) {
    const system = options.systemFonts === false ? [] : DEFAULT_FONT_PATHS;
    this.#family = registerFont([...(options.fontPaths ?? []), ...system]);
  }

  /** The registered font family, or undefined when the pixel font is in use. */
  get fontFamily(): string | undefined {
    return this.#family;
  }

  async render(chart: BenchChart): Promise<Uint8Array> {
    const { width, height } = chart.kind === 'score' ? scoreChartSize(chart) : { width: 1100, height: 520 };
    const canvas = createCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const painter = this.#painter(ctx);
    switch (chart.kind) {
      case 'score':
        drawScoreChart(painter, chart);
        break;
      case 'run':
        drawRunChart(painter, chart);
        break;
    }
    return new Uint8Array(await canvas.encode('png'));
  }

  #painter(ctx: SKRSContext2D): Painter {
    const family = this.#family;
    if (family === undefined) {
      return { ctx, text: (t, x, y, s) => drawPixelText(ctx, t, x, y, s), width: pixelTextWidth };
    }
    return {
      ctx,
      text(t, x, y, s) {
        ctx.font = `${s.bold ? 'bold ' : ''}${s.size}px "${family}"`;
        ctx.fillStyle = s.color;
        ctx.textAlign = s.align ?? 'left';
        ctx.textBaseline = 'alphabetic';
        ctx.fillText(t, x, y);
      },
      width(t, size) {
        ctx.font = `${size}px "${family}"`;
        return ctx.measureText(t).width;
      },
    };
  }
}

function registerFont(paths: readonly string[]): string | undefined {
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const key = GlobalFonts.registerFromPath(path, 'BenchSans');
    if (key) return 'BenchSans';
  }
  return undefined;
}
