import type { AskAnswer } from '../src/app/ask/ask.ts';
import type { ModelAnswer, ModelFailure } from '../src/app/ask/stream-answer.ts';
import { formatUsd } from '../src/domain/models/catalog.ts';
import type { ModelFailureCode } from '../src/ports/text-model.ts';

/** The lines around an /ask answer that say what happened to it: cut, dropped text, fallbacks, cost of failures. */

/** How much of a failed attempt's text stays visible above the next model's answer. */
export const QUOTED_CHARS = 400;

/** A failed attempt's streamed text, quoted (collapsed to its start), with how much was left out. */
export function quotedAttempts(failed: readonly ModelFailure[]): string {
  return failed
    .filter((f) => f.partialText.trim() !== '')
    .map((f) => {
      const text = f.partialText.trim();
      const shown = text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text;
      const more = text.length > QUOTED_CHARS ? ` (${text.length - QUOTED_CHARS} more characters not shown)` : '';
      const quote = shown
        .split('\n')
        .map((line) => `> ${line}`)
        .join('\n');
      return `_${f.model.name} had written this before it ${reasonOf(f)}${more}:_\n${quote}`;
    })
    .join('\n\n');
}

/** The line under a cut answer: where and why it stopped. */
export function cutLine(answer: ModelAnswer): string | undefined {
  if (!answer.cut) return undefined;
  const words = answer.text.trim().split(/\s+/).filter(Boolean).length;
  return `_✂ Cut off here after ${words} word${words === 1 ? '' : 's'}: ${cutReason(answer.cut.code, answer.model.name)} (${answer.cut.message})_`;
}

function cutReason(code: ModelFailureCode, name: string): string {
  switch (code) {
    case 'model.aborted':
      return 'the question was cancelled';
    case 'model.timeout':
      return `${name} stopped sending and was given up on`;
    case 'model.throttled':
      return `${name} was throttled in the middle of its answer`;
    default:
      return `${name} failed in the middle of its answer`;
  }
}

/** Notes on how the answer ended, other than a normal end. */
export function stopNote(answer: ModelAnswer): string | undefined {
  if (answer.cut) return undefined;
  switch (answer.stopReason) {
    case 'max_tokens':
      return answer.text.trim() === '' && answer.reasoningChars > 0
        ? '_The model spent its whole output limit reasoning: no answer text came back (the reasoning is billed)._'
        : '_The answer was cut at the output limit._';
    case 'content_filtered':
      return '_The model stopped: content filtered._';
    case 'context_window_exceeded':
      return "_The answer is incomplete: the conversation filled the model's context window while it answered. Start a new question, or pick a model with a larger window._";
    default:
      return undefined;
  }
}

/** "$0.0123 in all, incl. ~$0.004 for failed attempts (estimated)" when failures cost anything. */
export function spentNote(answer: AskAnswer): string | undefined {
  const failedUsd = answer.failed.reduce((sum, f) => sum + f.spend.costUsd, 0);
  if (failedUsd === 0) return undefined;
  const estimated = answer.failed.some((f) => f.spend.estimated);
  return `${formatUsd(answer.spent.costUsd)} in all, incl. ${estimated ? '~' : ''}${formatUsd(failedUsd)} for failed attempts${estimated ? ' (estimated)' : ''}`;
}

/** "Nova Lite was throttled, Claude Haiku 4.5 is not enabled for this account". */
export const whyOthers = (failed: readonly ModelFailure[]): string =>
  failed.map((f) => `${f.model.name} ${reasonOf(f)}`).join(', ');

export function reasonOf(f: ModelFailure): string {
  switch (f.code) {
    case 'model.throttled':
      return f.partialText ? 'was throttled mid-answer' : 'was throttled';
    case 'model.quota_exceeded':
      return "hit this account's Bedrock quota";
    case 'model.not_ready':
      return 'was not ready yet';
    case 'model.bad_model_id':
      return 'is misconfigured (model id or region)';
    case 'model.access_denied':
      return 'has no access granted for this account';
    case 'model.not_found':
      return 'was not found in this region';
    case 'model.timeout':
      return 'stopped sending';
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
    case 'budget.exceeded':
      return 'was not asked (budget used up)';
  }
}
