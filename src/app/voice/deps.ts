import type { VoiceUsage } from '../../domain/voice/usage.ts';
import type { VoiceModel } from '../../ports/voice-model.ts';
import type { PacingClock } from '../../voice/clock.ts';
import type { AwsAccess } from '../aws-access.ts';
import type { Budgets } from '../budgets/budgets.ts';
import type { OpsDeps } from '../ops/deps.ts';
import type { Tool } from '../tools.ts';

export type VoiceEngine = VoiceModel['engine'];

/** What voice conversations need, built once in src/main.ts. */
export interface VoiceDeps {
  /** The engines configured; a missing one is refused at /join with a hint. */
  readonly models: Readonly<Partial<Record<VoiceEngine, VoiceModel>>>;
  /** Tools the voice may call (the shared ToolRegistry's list), read at join time so late registrations count. */
  readonly tools: () => readonly Tool[];
  readonly systemPrompt: string;
  // No default voice here: voices are per engine (SONIC_VOICE, POLLY_VOICE); each model applies its own.
  /** Consecutive failed sessions tolerated before a conversation ends, and the first backoff. */
  readonly retry?: { readonly attempts: number; readonly delayMs: number };
  readonly clock?: PacingClock;
  /** What a conversation's usage costs in USD (prices from config), undefined when it cannot be priced. */
  readonly price?: (usage: VoiceUsage) => number | undefined;
  /** The bot's AWS credentials status: without credentials /join and the microphone refuse at once. */
  readonly aws?: AwsAccess;
  /** Each turn's voice-to-voice latency (end of user speech -> first bot audio), as it is measured (metrics). */
  readonly onVoiceToVoice?: (ms: number, engine: VoiceEngine) => void;
  /** Metrics (sessions, turn latency, frame CPU) and the shutdown that ends sessions with a goodbye. */
  readonly ops?: OpsDeps;
  /** Voice minutes charged as they pass to the JoinRequest's payer. */
  readonly budgets?: Budgets;
}

/** Cross-modal text the bot answers when it joins (it speaks first) and while a slow tool runs. */
export const VOICE_GREETING = '(You just joined the voice channel. Greet everyone in one short sentence.)';
export const VOICE_TOOL_FILLER =
  '(A tool is still working on the request. Tell the user in a few words that you are checking; do not guess.)';

export const DEFAULT_VOICE_SYSTEM_PROMPT =
  'You are Sonicord, a friendly assistant talking with people in a voice channel. Keep answers short and ' +
  'conversational: one to three sentences. Several people may speak. Use the tools for anything about orders ' +
  'and never invent order details.';
