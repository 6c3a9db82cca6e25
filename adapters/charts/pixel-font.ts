import type { SKRSContext2D } from '@napi-rs/canvas';

/**
 * A 5x7 pixel font drawn with rectangles: the fallback when no font file can be registered (a fresh machine
 * without fonts-dejavu-core), so chart labels never vanish. Lower case is drawn as upper case.
 */
const GLYPHS: Readonly<Record<string, string>> = {
  '0': '0e11131519110e',
  '1': '040c040404040e',
  '2': '0e11010204081f',
  '3': '1f02040201110e',
  '4': '02060a121f0202',
  '5': '1f101e0101110e',
  '6': '0608101e11110e',
  '7': '1f010204080808',
  '8': '0e11110e11110e',
  '9': '0e11110f01020c',
  A: '0e11111f111111',
  B: '1e11111e11111e',
  C: '0e11101010110e',
  D: '1c12111111121c',
  E: '1f10101e10101f',
  F: '1f10101e101010',
  G: '0e10101711110f',
  H: '1111111f111111',
  I: '0e04040404040e',
  J: '0702020202120c',
  K: '11121418141211',
  L: '1010101010101f',
  M: '111b1515111111',
  N: '11111915131111',
  O: '0e11111111110e',
  P: '1e11111e101010',
  Q: '0e11111115120d',
  R: '1e11111e141211',
  S: '0f10100e01011e',
  T: '1f040404040404',
  U: '1111111111110e',
  V: '11111111110a04',
  W: '1111111515150a',
  X: '11110a040a1111',
  Y: '1111110a040404',
  Z: '1f01020408101f',
  ' ': '00000000000000',
  '.': '00000000000c0c',
  ',': '000000000c0408',
  '%': '18190204081303',
  $: '040f140e051e04',
  '-': '0000001f000000',
  ':': '000c0c000c0c00',
  '(': '02040808080402',
  ')': '08040202020408',
  '/': '00010204081000',
  '+': '0004041f040400',
  _: '0000000000001f',
  '=': '00001f001f0000',
  '?': '0e110102040004',
  '#': '0a0a1f0a1f0a0a',
  '<': '02040810080402',
  '>': '08040201020408',
  "'": '04040800000000',
};

export interface TextStyle {
  readonly size: number;
  readonly color: string;
  readonly align?: 'left' | 'center' | 'right';
  readonly bold?: boolean;
}

export function pixelTextWidth(text: string, size: number): number {
  return text.length * 6 * (size / 9);
}

/** Draws `text` with its baseline at `y`. */
export function drawPixelText(ctx: SKRSContext2D, text: string, x: number, y: number, style: TextStyle): void {
  const dot = style.size / 9;
  const width = pixelTextWidth(text, style.size);
  let left = style.align === 'center' ? x - width / 2 : style.align === 'right' ? x - width : x;
  const top = y - 7 * dot;
  ctx.fillStyle = style.color;
  for (const char of text.toUpperCase()) {
    const glyph = GLYPHS[char] ?? GLYPHS['?'] ?? '';
    for (let row = 0; row < 7; row++) {
      const bits = Number.parseInt(glyph.slice(row * 2, row * 2 + 2), 16);
      for (let col = 0; col < 5; col++) {
        if (bits & (1 << (4 - col))) ctx.fillRect(left + col * dot, top + row * dot, dot * (style.bold ? 1.2 : 1), dot);
      }
    }
    left += 6 * dot;
  }
}
