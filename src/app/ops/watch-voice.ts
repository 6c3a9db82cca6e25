import type { AppError } from '../../domain/result.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Metrics } from '../../ports/metrics.ts';
import type { VoiceChannelIo } from '../../voice/channel-io.ts';
import type { RunningVoiceConversation } from '../../voice/conversation-loop.ts';
import type { Budgets, Payer } from '../budgets/budgets.ts';
import type { Lifecycle } from './lifecycle.ts';

export const SHUTDOWN_GOODBYE =
  'I am restarting now, so I am leaving the channel. Goodbye! Use /join again in a minute.';

/** Voice minutes are charged this often (and at the end), so a budget is never passed by more than this. */
export const VOICE_CHARGE_EVERY_MS = 60_000;

export interface VoiceWatch {
  readonly io: Pick<VoiceChannelIo, 'post'>;
  readonly engine: string;
  readonly log: Logger;
  readonly metrics?: Metrics;
  readonly lifecycle?: Lifecycle;
  readonly budgets?: { readonly budgets: Budgets; readonly payer: Payer };
  /** Monotonic ms. */
  readonly clock?: () => number;
  /** Calls `tick` every `ms` until the returned cancel; default setInterval (unref'd). */
  readonly every?: (ms: number, tick: () => void) => () => void;
}

const realEvery = (ms: number, tick: () => void): (() => void) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/**
 * What operators need of one voice conversation, on every surface: counted as active while it runs, ended with a
 * goodbye when the process shuts down, and its minutes charged to the budgets as they pass; when a voice budget
 * runs out the bot says so in the channel and leaves.
 */
export function watchVoice(conversation: RunningVoiceConversation, watch: VoiceWatch): RunningVoiceConversation {
  const clock = watch.clock ?? (() => performance.now());
  let chargedUpTo = clock();
  let ending = false;
  watch.metrics?.voiceSessionStarted(watch.engine);
  const end = (line: string) => {
    if (ending) return;
    ending = true;
    void watch.io
      .post(line)
      .catch(() => undefined)
      .then(() => conversation.stop())
      .catch((error: unknown) => watch.log.warn({ err: error }, 'voice conversation did not stop cleanly'));
  };
  const charge = async (): Promise<AppError | undefined> => {
    if (!watch.budgets) return undefined;
    const now = clock();
    const seconds = (now - chargedUpTo) / 1000;
    chargedUpTo = now;
    const charged = await watch.budgets.budgets.chargeVoice(watch.budgets.payer, seconds);
    return charged.ok ? undefined : charged.error;
  };
  const stopTicking = watch.budgets
    ? (watch.every ?? realEvery)(VOICE_CHARGE_EVERY_MS, () => {
        charge().then(
          (over) => over && end(`${over.message} I am leaving the channel now.`),
          (error: unknown) => watch.log.warn({ err: error }, 'could not charge voice minutes'),
        );
      })
    : () => {};
  const unsubscribe = watch.lifecycle?.onDrain(() => end(SHUTDOWN_GOODBYE)) ?? (() => {});
  void conversation.done.then(async () => {
    stopTicking();
    unsubscribe();
    watch.metrics?.voiceSessionEnded(watch.engine);
    await charge().catch((error: unknown) => watch.log.warn({ err: error }, 'could not charge voice minutes'));
  });
  return conversation;
}
