/**
 * What operators watch, recorded where it happens. Our types only: the Prometheus adapter (adapters/metrics/) names
 * the series; tests use `noMetrics` or the adapter itself. Every method is cheap and never throws.
 */
export interface Metrics {
  /** A command or free-text handler finished (`name` is the command, or the handler for free text). */
  command(name: string, outcome: CommandOutcome, platform: string): void;
  /** One model call, failed ones included (their spend estimated). */
  modelCall(call: ModelCallRecord): void;
  /** An order moved to `status` (recorded once per applied transition). */
  orderStatus(status: string, failed: boolean): void;
  voiceSessionStarted(engine: string): void;
  voiceSessionEnded(engine: string): void;
  /** From the end of a user's turn to the first audio of the answer. */
  voiceTurnLatency(ms: number): void;
  /** CPU spent on one audio frame: Opus decode of what people say, or the playback path of what the bot says. */
  voiceFrameCpu(stage: VoiceStage, ms: number): void;
  /** A request refused for budget, by scope (user or server) and what ran out. */
  budgetRefused(scope: string, dimension: string): void;
  /** Read at each scrape: the Discord gateway's heartbeat latency and each shard's status. */
  observeGateway(read: () => GatewayReading | undefined): void;
}

/**
 * ok: answered; refused: the user's own input or rights stopped it (bad option, not staff, over budget); failed: an
 * expected failure (a model error, out of stock); error: a bug, answered with a correlation id.
 */
export type CommandOutcome = 'ok' | 'refused' | 'failed' | 'error';

export type VoiceStage = 'decode' | 'playback';

export interface ModelCallRecord {
  readonly model: string;
  readonly ok: boolean;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
}

export interface GatewayReading {
  /** The average heartbeat round trip over shards, ms; -1 before the first heartbeat. */
  readonly pingMs: number;
  readonly shards: readonly { readonly id: number; readonly status: string; readonly pingMs: number }[];
}

/** Records nothing: tests and code paths with no operator. */
export const noMetrics: Metrics = {
  command() {},
  modelCall() {},
  orderStatus() {},
  voiceSessionStarted() {},
  voiceSessionEnded() {},
  voiceTurnLatency() {},
  voiceFrameCpu() {},
  budgetRefused() {},
  observeGateway() {},
};
