import type { VoiceTurn } from '../../../src/ports/voice-model.ts';

/**
 * Nova Sonic's chat-history limits (nova-sonic.md section 3): at most 40 messages, 40 KB in all, each textInput at
 * most 1 KB, and the first message from the USER. An AWS maintainer states it stricter, "max 40 messages, 1000
 * bytes per message" (aws-samples/sample-sonic-cdk-agent #31), and LiveKit enforces that: we follow the stricter
 * reading. Same-role turns are merged first; a message over 1 KB keeps its most recent words; the most recent 40
 * messages are kept, starting with a USER one.
 */
export const MAX_MESSAGES = 40;
export const MAX_TOTAL_BYTES = 40_000;
export const MAX_PART_BYTES = 1_000;

export interface ShapedTurn {
  readonly role: 'USER' | 'ASSISTANT';
  /** The turn split into textInput parts of at most MAX_PART_BYTES each. */
  readonly parts: readonly string[];
}

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

export function shapeHistory(history: readonly VoiceTurn[]): ShapedTurn[] {
  // Consecutive same-role turns are one message to the model (several FINAL sentences of one answer).
  const merged: { role: 'user' | 'assistant'; text: string }[] = [];
  for (const turn of history) {
    const text = turn.text.trim();
    if (!text) continue;
    const last = merged.at(-1);
    if (last && last.role === turn.role) last.text = `${last.text} ${text}`;
    else merged.push({ role: turn.role, text });
  }
  const kept = merged.slice(-MAX_MESSAGES).map((t) => ({ role: t.role, text: capBytes(t.text, MAX_PART_BYTES) }));
  while (kept[0]?.role === 'assistant') kept.shift();
  // 40 messages of at most 1 KB each stay within the 40 KB total by construction.
  return kept.map((t) => ({ role: t.role === 'user' ? 'USER' : 'ASSISTANT', parts: [t.text] }));
}

/** Splits on code points so that no part exceeds `max` UTF-8 bytes (preferring a space as the cut). */
export function splitBytes(text: string, max: number): string[] {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of text) {
    const n = byteLength(ch);
    if (size + n > max) {
      const cut = current.lastIndexOf(' ');
      if (cut > current.length / 2 && byteLength(current.slice(cut + 1)) + n <= max) {
        parts.push(current.slice(0, cut));
        current = current.slice(cut + 1);
      } else {
        parts.push(current);
        current = '';
      }
      size = byteLength(current);
    }
    current += ch;
    size += n;
  }
  if (current) parts.push(current);
  return parts;
}

const ELLIPSIS = '… ';

/** The text itself when it fits in `max` bytes, else its most recent words after an ellipsis. */
function capBytes(text: string, max: number): string {
  if (byteLength(text) <= max) return text;
  return ELLIPSIS + tailBytes(text, max - byteLength(ELLIPSIS));
}

function tailBytes(text: string, max: number): string {
  const chars = [...text];
  let size = 0;
  let start = chars.length;
  while (start > 0 && size + byteLength(chars[start - 1] as string) <= max) {
    start--;
    size += byteLength(chars[start] as string);
  }
  return chars.slice(start).join('').trimStart();
}
