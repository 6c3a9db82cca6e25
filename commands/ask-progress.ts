import type { AskProgress } from '../src/app/ask/ask.ts';
import type { ReplyChannel } from '../src/chat/context.ts';
import { type CoarseTimer, type CoarseTimers, coarseTimers } from '../src/coarse-timers.ts';
import { CANCELLABLE, progressReply } from './ask-replies.ts';

/** How often streamed text is passed on; platforms edit at most about once a second, the adapter paces that. */
export const PROGRESS_INTERVAL_MS = 250;

export interface ProgressSink {
  readonly onProgress: (progress: AskProgress) => void;
  /** Drops a pending update: the final reply replaces it. */
  stop(): void;
}

/**
 * Coalesces per-token progress before building replies: a model switch goes out at once, text at most every
 * `intervalMs` (the latest wins, a timer sends the last one if the stream pauses). Building a reply for each of
 * hundreds of tokens would be work for edits that the surface would drop anyway. The timer is a coarse one
 * (`timers`): it is armed and cancelled on nearly every answer and fires only when a stream stalls.
 */
export function progressSink(
  reply: ReplyChannel,
  intervalMs = PROGRESS_INTERVAL_MS,
  timers: CoarseTimers = coarseTimers,
): ProgressSink {
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let lastModel: string | undefined;
  let pending: AskProgress | undefined;
  let timer: CoarseTimer | undefined;

  const send = (progress: AskProgress) => {
    lastSentAt = Date.now();
    pending = undefined;
    reply.progress(progressReply(progress), CANCELLABLE);
  };
  const flush = () => {
    timer = undefined;
    if (pending) send(pending);
  };
  const stop = () => {
    timer?.cancel();
    timer = undefined;
    pending = undefined;
  };

  return {
    onProgress(progress) {
      if (progress.model.id !== lastModel) {
        lastModel = progress.model.id;
        stop();
        send(progress);
        return;
      }
      pending = progress;
      if (timer) return;
      const wait = lastSentAt + intervalMs - Date.now();
      if (wait <= 0) send(progress);
      else timer = timers.after(wait, flush);
    },
    stop,
  };
}
