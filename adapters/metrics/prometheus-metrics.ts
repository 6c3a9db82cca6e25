import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CommandOutcome, GatewayReading, Metrics, ModelCallRecord, VoiceStage } from '../../src/ports/metrics.ts';

/** Audio frames are 20-40 ms: a frame's CPU is worth watching from 10 µs up to a few ms. */
const FRAME_CPU_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20];
/** A spoken answer should start within a second or so; seconds, as Prometheus counts time. */
const TURN_LATENCY_BUCKETS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13];

/**
 * The metrics in Prometheus form (prom-client), on a registry of their own so several can live in one process
 * (tests). Names follow Prometheus conventions: `sonicord_` prefix, base units, `_total` on counters.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #commands: Counter<'command' | 'outcome' | 'platform'>;
  readonly #modelCalls: Counter<'model' | 'outcome'>;
  readonly #tokens: Counter<'model' | 'direction'>;
  readonly #cost: Counter<'model'>;
  readonly #orders: Counter<'status'>;
  readonly #orderFailures: Counter<'status'>;
  readonly #voiceSessions: Gauge<'engine'>;
  readonly #turnLatency: Histogram;
  readonly #frameCpu: Histogram<'stage'>;
  readonly #budgetRefusals: Counter<'scope' | 'dimension'>;
  #gateway: (() => GatewayReading | undefined) | undefined;

  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.#commands = new Counter({
      name: 'sonicord_commands_total',
      help: 'Commands and free-text questions handled, by name, outcome (ok, refused, failed, error) and platform.',
      labelNames: ['command', 'outcome', 'platform'],
      registers,
    });
    this.#modelCalls = new Counter({
      name: 'sonicord_model_calls_total',
      help: 'Bedrock text model calls, by catalog model id and outcome (ok or failed).',
      labelNames: ['model', 'outcome'],
      registers,
    });
    this.#tokens = new Counter({
      name: 'sonicord_model_tokens_total',
      help: 'Tokens billed by model calls, by model and direction (input, output); failed calls estimated.',
      labelNames: ['model', 'direction'],
      registers,
    });
    this.#cost = new Counter({
      name: 'sonicord_model_cost_usd_total',
      help: 'What model calls cost in USD at catalog prices, by model; failed calls estimated.',
      labelNames: ['model'],
      registers,
    });
    this.#orders = new Counter({
      name: 'sonicord_order_transitions_total',
      help: 'Orders entering each status (applied transitions, replays not counted).',
      labelNames: ['status'],
      registers,
    });
    this.#orderFailures = new Counter({
      name: 'sonicord_order_failures_total',
      help: 'Orders ending without delivery or needing staff, by status.',
      labelNames: ['status'],
      registers,
    });
    this.#voiceSessions = new Gauge({
      name: 'sonicord_voice_sessions_active',
      help: 'Voice conversations running now, by engine.',
      labelNames: ['engine'],
      registers,
    });
    this.#turnLatency = new Histogram({
      name: 'sonicord_voice_turn_latency_seconds',
      help: "From the end of a user's turn to the first audio of the answer.",
      buckets: TURN_LATENCY_BUCKETS,
      registers,
    });
    this.#frameCpu = new Histogram({
      name: 'sonicord_voice_frame_cpu_milliseconds',
      help: 'CPU time per audio frame, by stage (decode: Opus in; playback: the answer out).',
      labelNames: ['stage'],
      buckets: FRAME_CPU_BUCKETS,
      registers,
    });
    this.#budgetRefusals = new Counter({
      name: 'sonicord_budget_refusals_total',
      help: 'Requests refused because a budget ran out, by scope (user, server) and dimension (tokens, cost, voice).',
      labelNames: ['scope', 'dimension'],
      registers,
    });
    const read = () => this.#readGateway();
    new Gauge({
      name: 'sonicord_discord_gateway_ping_seconds',
      help: 'Discord gateway heartbeat round trip (client.ws.ping); absent before Discord connects.',
      registers,
      collect() {
        const reading = read();
        if (reading && reading.pingMs >= 0) this.set(reading.pingMs / 1000);
      },
    });
    new Gauge({
      name: 'sonicord_discord_shard_up',
      help: 'Per Discord shard: 1 when its status is ready, 0 otherwise; the status is a label.',
      labelNames: ['shard', 'status'],
      registers,
      collect() {
        this.reset();
        for (const shard of read()?.shards ?? [])
          this.set({ shard: String(shard.id), status: shard.status }, shard.status === 'ready' ? 1 : 0);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text a scrape gets. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  command(name: string, outcome: CommandOutcome, platform: string): void {
    this.#commands.inc({ command: name, outcome, platform });
  }

  modelCall(call: ModelCallRecord): void {
    this.#modelCalls.inc({ model: call.model, outcome: call.ok ? 'ok' : 'failed' });
    if (call.inputTokens > 0) this.#tokens.inc({ model: call.model, direction: 'input' }, call.inputTokens);
    if (call.outputTokens > 0) this.#tokens.inc({ model: call.model, direction: 'output' }, call.outputTokens);
    if (call.costUsd > 0) this.#cost.inc({ model: call.model }, call.costUsd);
  }

  orderStatus(status: string, failed: boolean): void {
    this.#orders.inc({ status });
    if (failed) this.#orderFailures.inc({ status });
  }

  voiceSessionStarted(engine: string): void {
    this.#voiceSessions.inc({ engine });
  }

  voiceSessionEnded(engine: string): void {
    this.#voiceSessions.dec({ engine });
  }

  voiceTurnLatency(ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#turnLatency.observe(ms / 1000);
  }

  voiceFrameCpu(stage: VoiceStage, ms: number): void {
    if (Number.isFinite(ms) && ms >= 0) this.#frameCpu.observe({ stage }, ms);
  }

  budgetRefused(scope: string, dimension: string): void {
    this.#budgetRefusals.inc({ scope, dimension });
  }

  observeGateway(read: () => GatewayReading | undefined): void {
    this.#gateway = read;
  }

  #readGateway(): GatewayReading | undefined {
    try {
      return this.#gateway?.();
    } catch {
      return undefined;
    }
  }
}
