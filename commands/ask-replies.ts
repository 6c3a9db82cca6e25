import type { AskAnswer, AskProgress } from '../src/app/ask/ask.ts';
import type { Comparison } from '../src/app/ask/compare.ts';
import type { Attempt, ModelFailure } from '../src/app/ask/stream-answer.ts';
import { errorReply, type Reply, type TableReply, type TextReply, text } from '../src/chat/reply.ts';
import { formatUsd } from '../src/domain/models/catalog.ts';

/** How /ask answers look on every surface: the answer, then a footer with model, latency, tokens and cost. */

/** Streaming answers offer a Cancel button: it aborts `ctx.signal`, which stops the model call. */
export const CANCELLABLE = { cancellable: true } as const;

export function progressReply(p: AskProgress): TextReply {
  const notice = p.failed.length > 0 ? `_${whyOthers(p.failed)}; ${p.model.name} is answering._\n\n` : '';
  return text(`${notice}${p.text || '…'}`, { footer: `${p.model.name} · answering…` });
}

export function answerReply(answer: AskAnswer): TextReply {
  const notes: string[] = [];
  if (answer.failed.length > 0) notes.push(`_Answered by ${answer.model.name}: ${whyOthers(answer.failed)}._`);
  if (answer.stopReason === 'max_tokens') notes.push('_The answer was cut at the output limit._');
  if (answer.stopReason === 'content_filtered') notes.push('_The model stopped: content filtered._');
  const body = answer.text.trim() === '' ? '_(The model returned no text.)_' : answer.text;
  const footer = [footerOf(answer)];
  if (answer.droppedTurns > 0) footer.push(`${answer.droppedTurns} older messages left out to fit`);
  return text(notes.length > 0 ? `${notes.join('\n')}\n\n${body}` : body, { footer: footer.join(' · ') });
}

export function comparisonReply(comparison: Comparison): Reply {
  const parts: (TextReply | TableReply | ReturnType<typeof errorReply>)[] = comparison.attempts.map((a) =>
    a.ok
      ? text(a.text.trim() === '' ? '_(no text)_' : a.text, { title: a.model.name, footer: statsOf(a) })
      : errorReply({ code: a.code, message: `${a.model.name}: ${a.message}` }),
  );
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
  `${seconds(a.latencyMs)} · ${grouped(a.usage.inputTokens)} in / ${grouped(a.usage.outputTokens)} out tokens · ${formatUsd(a.costUsd)}`;

function summaryRow(a: Attempt): string[] {
  if (!a.ok) return [a.model.name, '-', '-', '-', reasonOf(a)];
  return [
    a.model.name,
    seconds(a.latencyMs),
    `${a.usage.inputTokens}/${a.usage.outputTokens}`,
    formatUsd(a.costUsd),
    a.stopReason === 'end_turn' ? 'ok' : a.stopReason,
  ];
}

const seconds = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);

/** "Nova Lite was throttled, Claude Haiku 4.5 is not enabled for this account". */
export const whyOthers = (failed: readonly ModelFailure[]): string =>
  failed.map((f) => `${f.model.name} ${reasonOf(f)}`).join(', ');

function reasonOf(f: ModelFailure): string {
  switch (f.code) {
    case 'model.throttled':
      return 'was throttled';
    case 'model.access_denied':
      return 'is not enabled for this account';
    case 'model.not_found':
      return 'was not found in this region';
    case 'model.timeout':
      return 'timed out';
    case 'model.stream_failed':
      return f.partialText ? 'failed mid-answer' : 'failed';
    case 'model.unavailable':
      return 'was unavailable';
    case 'model.context_exceeded':
    case 'ask.prompt_too_long':
      return 'could not fit the conversation';
    case 'model.invalid_request':
      return 'rejected the request';
    case 'model.no_credentials':
      return 'had no AWS credentials';
    case 'model.aborted':
      return 'was cancelled';
  }
}
