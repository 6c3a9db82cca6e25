import type { AskAnswer, AskProgress } from '../src/app/ask/ask.ts';
import type { Comparison } from '../src/app/ask/compare.ts';
import type { Attempt } from '../src/app/ask/stream-answer.ts';
import { errorReply, type Reply, type TableReply, type TextReply, text } from '../src/chat/reply.ts';
import { formatUsd } from '../src/domain/models/catalog.ts';
import { cutLine, quotedAttempts, reasonOf, spentNote, stopNote, whyOthers } from './ask-notes.ts';

/** How /ask answers look on every surface: the answer, then a footer with model, latency, tokens and cost. */

/** Streaming answers offer a Cancel button: it aborts `ctx.signal`, which stops the model call. */
export const CANCELLABLE = { cancellable: true } as const;

export function progressReply(p: AskProgress): TextReply {
  const notes: string[] = [];
  if (p.failed.length > 0) {
    // What the failed model had written stays on screen while the next one starts.
    const quoted = quotedAttempts(p.failed);
    if (quoted) notes.push(quoted);
    notes.push(`_${whyOthers(p.failed)}; ${p.model.name} is answering._`);
  }
  const body = p.text || '…';
  return text(notes.length > 0 ? `${notes.join('\n\n')}\n\n${body}` : body, {
    footer: `${p.model.name} · answering…`,
  });
}

export function answerReply(answer: AskAnswer): TextReply {
  const notes: string[] = [];
  if (answer.failed.length > 0) {
    const quoted = quotedAttempts(answer.failed);
    if (quoted) notes.push(quoted);
    notes.push(`_${answer.cut ? 'Kept from' : 'Answered by'} ${answer.model.name}: ${whyOthers(answer.failed)}._`);
  }
  const stop = stopNote(answer);
  if (stop) notes.push(stop);
  const cut = cutLine(answer);
  const body = answer.text.trim() === '' ? '_(The model returned no text.)_' : answer.text;
  const full = `${notes.length > 0 ? `${notes.join('\n\n')}\n\n` : ''}${body}${cut ? `\n\n${cut}` : ''}`;
  const footer = [footerOf(answer)];
  const spent = spentNote(answer);
  if (spent) footer.push(spent);
  if (answer.droppedTurns > 0) footer.push(`${answer.droppedTurns} older messages left out to fit`);
  return text(full, { footer: footer.join(' · ') });
}

export function comparisonReply(comparison: Comparison): Reply {
  const parts: (TextReply | TableReply | ReturnType<typeof errorReply>)[] = comparison.attempts.map((a) => {
    if (a.ok) return text(a.text.trim() === '' ? '_(no text)_' : a.text, { title: a.model.name, footer: statsOf(a) });
    // A model that failed after streaming keeps its words, marked where they stop.
    if (a.partialText.trim() !== '') {
      return text(`${a.partialText}\n\n_✂ Cut off here: ${a.model.name} ${reasonOf(a)} (${a.message})_`, {
        title: a.model.name,
        footer: `${a.spend.estimated ? '~' : ''}${formatUsd(a.spend.costUsd)}${a.spend.estimated ? ' (estimated)' : ''}`,
      });
    }
    return errorReply({ code: a.code, message: `${a.model.name}: ${a.message}` });
  });
  parts.push({
    kind: 'table',
    title: 'Comparison',
    columns: ['Model', 'Latency', 'Tokens in/out', 'Cost', 'Result'],
    rows: comparison.attempts.map(summaryRow),
    ...(comparison.templateName ? { footer: `template: ${comparison.templateName}` } : {}),
  });
  return { kind: 'composite', parts };
}

export const compareProgressReply = (done: readonly Attempt[], total: number): TextReply =>
  text(`${done.length}/${total} models answered: ${done.map((a) => a.model.name).join(', ')}…`, {
    footer: 'comparing',
  });

const footerOf = (a: Extract<Attempt, { ok: true }>): string => `${a.model.name} · ${statsOf(a)}`;

// One formatter for every footer: toLocaleString builds a new one per call, a visible cost per answer.
const numberFormat = new Intl.NumberFormat('en-US');

/** "12,345": token counts are integers, which plain string grouping handles far cheaper than Intl per answer. */
const grouped = (n: number): string => {
  if (!Number.isSafeInteger(n)) return numberFormat.format(n);
  const digits = String(n);
  return n > -1000 && n < 1000 ? digits : digits.replace(/\B(?=(\d{3})+$)/g, ',');
};

const statsOf = (a: Extract<Attempt, { ok: true }>): string =>
  `${seconds(a.latencyMs)} · ${grouped(a.usage.inputTokens)} in / ${grouped(a.usage.outputTokens)} out tokens${cacheOf(a)} · ${a.usageEstimated ? '~' : ''}${formatUsd(a.costUsd)}${a.usageEstimated ? ' (estimated)' : ''}`;

const cacheOf = (a: Extract<Attempt, { ok: true }>): string => {
  const read = a.usage.cacheReadInputTokens ?? 0;
  const write = a.usage.cacheWriteInputTokens ?? 0;
  return read + write === 0 ? '' : ` (cache ${grouped(read)} read / ${grouped(write)} written)`;
};

function summaryRow(a: Attempt): string[] {
  if (!a.ok) {
    const cost = a.spend.costUsd > 0 ? `${a.spend.estimated ? '~' : ''}${formatUsd(a.spend.costUsd)}` : '-';
    return [a.model.name, '-', '-', cost, reasonOf(a)];
  }
  return [
    a.model.name,
    seconds(a.latencyMs),
    `${a.usage.inputTokens}/${a.usage.outputTokens}`,
    formatUsd(a.costUsd),
    a.stopReason === 'end_turn' ? 'ok' : a.stopReason,
  ];
}

const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
