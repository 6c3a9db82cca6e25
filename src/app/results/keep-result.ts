import { type CompositeReply, keptOf, type Reply, type TextReply } from '../../chat/reply.ts';
import type { UserId } from '../../domain/ids.ts';
import type { KeptResults } from '../../ports/kept-results.ts';

export interface KeepResultDeps {
  readonly results: KeptResults;
  readonly now: () => Date;
  /** How long a result is kept. */
  readonly keepForMs: number;
}

/** Longer than one Discord message: worth keeping, since a refused send would otherwise lose it. */
const LONG_TEXT = 2000;

/** Whether a finished reply is worth keeping: anything with files, or text longer than one chat message. */
export function worthKeeping(reply: Reply): boolean {
  if (reply.kind === 'composite') return (reply.files?.length ?? 0) > 0 || textLength(reply) > LONG_TEXT;
  return reply.kind === 'text' && reply.text.length > LONG_TEXT;
}

/**
 * Keeps a finished result and returns it with a line saying how to fetch it again (`/result id:…`), and with
 * `kept` set so every surface that cannot deliver it can say where to get it.
 */
export async function keepResult(
  deps: KeepResultDeps,
  input: { readonly owner: UserId; readonly command: string; readonly reply: TextReply | CompositeReply },
): Promise<TextReply | CompositeReply> {
  const now = deps.now();
  const until = new Date(now.getTime() + deps.keepForMs).toISOString();
  const id = await deps.results.keep({
    owner: input.owner,
    command: input.command,
    keptAt: now.toISOString(),
    until,
    reply: input.reply,
  });
  const kept = { id, until };
  const line = keptLine(kept);
  const reply = input.reply;
  if (reply.kind === 'text') return { ...reply, footer: join(reply.footer, line), kept };
  const last = reply.parts.at(-1);
  const parts =
    last && last.kind !== 'error'
      ? [...reply.parts.slice(0, -1), { ...last, footer: join(last.footer, line) }]
      : [...reply.parts, { kind: 'text' as const, text: line }];
  return { ...reply, parts, kept };
}

/** "Kept until 5 Dec 05:00 UTC: /result id:r-…" */
export function keptLine(kept: { readonly id: string; readonly until: string }): string {
  const until = new Date(kept.until);
  const day = until.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const time = until.toISOString().slice(11, 16);
  return `Kept until ${day} ${time} UTC: /result id:${kept.id}`;
}

const join = (footer: string | undefined, line: string): string => (footer ? `${footer} · ${line}` : line);

function textLength(reply: CompositeReply): number {
  return reply.parts.reduce(
    (n, p) => n + (p.kind === 'text' ? p.text.length : p.kind === 'table' ? p.rows.length * 20 : 0),
    0,
  );
}

/** What a surface that could not deliver a result tells the user: where it is kept, or what to do. */
export function whereToGet(reply: Reply): string {
  const kept = keptOf(reply);
  return kept ? `It is kept: ${keptLine(kept)}.` : 'Run the command again, or ask in a direct message.';
}
