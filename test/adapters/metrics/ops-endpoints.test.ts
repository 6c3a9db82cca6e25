import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsServer } from '../../../adapters/metrics/ops-server.ts';
import { PrometheusMetrics } from '../../../adapters/metrics/prometheus-metrics.ts';
import { askCommand } from '../../../commands/ask.ts';
import { restockCommand } from '../../../commands/restock.ts';
import { usageCommand } from '../../../commands/usage.ts';
import type { Budgets } from '../../../src/app/budgets/budgets.ts';
import { Lifecycle } from '../../../src/app/ops/lifecycle.ts';
import { MeteredTextModel } from '../../../src/app/ops/metered-text-model.ts';
import { runCommand } from '../../../src/chat/dispatcher.ts';
import { askDepsFor, type TestAskDeps } from '../../support/ask-deps.ts';
import { type BudgetStack, startBudgetStack } from '../../support/budget-stack.ts';
import { aCommandContext } from '../../support/command-context.ts';
import { type FakeBedrock, startFakeBedrock } from '../../support/fake-bedrock.ts';

const TOKEN = 'metrics-token-0123456789';

/** The value of one series in the exposition text, by its exact label set. */
function seriesValue(body: string, series: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('the ops endpoints after real commands', () => {
  let fake: FakeBedrock;
  let ask: TestAskDeps;
  let stack: BudgetStack;
  let budgets: Budgets;
  let server: OpsServer;
  const metrics = new PrometheusMetrics();
  const lifecycle = new Lifecycle();

  beforeAll(async () => {
    fake = await startFakeBedrock();
    fake.setHandler(() => ({ chunks: ['Blue', ' sky.'], usage: { inputTokens: 1200, outputTokens: 34 } }));
    const plain = askDepsFor(fake.endpoint);
    ask = { ...plain, textModel: new MeteredTextModel(plain.textModel, plain.catalog, metrics) };
    stack = await startBudgetStack();
    budgets = stack.budgets(
      { user: { default: { period: 'day', tokens: 2_000 }, staff: { period: 'day' } }, server: { period: 'month' } },
      () => new Date('2026-11-24T10:00:00Z'),
      metrics,
    );
    metrics.observeGateway(() => ({
      pingMs: 42,
      shards: [
        { id: 0, status: 'ready', pingMs: 40 },
        { id: 1, status: 'reconnecting', pingMs: 44 },
      ],
    }));
    server = new OpsServer({
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      scrape: async () => ({ body: await metrics.scrape(), contentType: metrics.contentType }),
      readiness: async () => ({
        ready: lifecycle.admit(),
        checks: { lifecycle: lifecycle.admit() ? 'ok' : lifecycle.status },
      }),
    });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    ask.destroy();
    await fake.close();
    await stack.close();
  });

  const deps = () => ({ ask, budgets, ops: { metrics, lifecycle } });

  it('counts commands by name and outcome, model calls, tokens, cost and budget refusals', async () => {
    const ctx = () => aCommandContext({ deps: deps() });
    expect(await runCommand(askCommand, ctx(), { prompt: 'Why is the sky blue?' })).toMatchObject({ kind: 'text' });
    // The first answer used 1,234 of 2,000 tokens: the next is let in (room is left), the third is refused.
    expect(await runCommand(askCommand, ctx(), { prompt: 'And at night?' })).toMatchObject({ kind: 'text' });
    expect(await runCommand(askCommand, ctx(), { prompt: 'And at dawn?' })).toMatchObject({
      kind: 'error',
      code: 'budget.exceeded',
    });
    expect(await runCommand(restockCommand, ctx(), { product: 'x', quantity: 1 })).toMatchObject({
      code: 'auth.staff_only',
    });
    expect(await runCommand(usageCommand, ctx(), {})).toMatchObject({ kind: 'table', title: 'Your use today' });

    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const body = await response.text();
    expect(seriesValue(body, 'sonicord_commands_total{command="ask",outcome="ok",platform="web"}')).toBe(2);
    expect(seriesValue(body, 'sonicord_commands_total{command="ask",outcome="refused",platform="web"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_commands_total{command="restock",outcome="refused",platform="web"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_commands_total{command="usage",outcome="ok",platform="web"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_model_calls_total{model="a",outcome="ok"}')).toBe(2);
    expect(seriesValue(body, 'sonicord_model_tokens_total{model="a",direction="input"}')).toBe(2400);
    expect(seriesValue(body, 'sonicord_model_tokens_total{model="a",direction="output"}')).toBe(68);
    // 1,200 in at $1/M and 34 out at $2/M, twice.
    expect(seriesValue(body, 'sonicord_model_cost_usd_total{model="a"}')).toBeCloseTo(2 * 0.001268, 9);
    expect(seriesValue(body, 'sonicord_budget_refusals_total{scope="user",dimension="tokens"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_discord_gateway_ping_seconds')).toBe(0.042);
    expect(seriesValue(body, 'sonicord_discord_shard_up{shard="0",status="ready"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_discord_shard_up{shard="1",status="reconnecting"}')).toBe(0);
    expect(body).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('records voice sessions, turn latency and frame CPU as histograms', async () => {
    metrics.voiceSessionStarted('sonic');
    metrics.voiceSessionStarted('sonic');
    metrics.voiceSessionEnded('sonic');
    metrics.voiceTurnLatency(800);
    metrics.voiceFrameCpu('decode', 0.04);
    metrics.voiceFrameCpu('playback', 0.3);
    const body = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(seriesValue(body, 'sonicord_voice_sessions_active{engine="sonic"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_voice_turn_latency_seconds_bucket{le="0.75"}')).toBe(0);
    expect(seriesValue(body, 'sonicord_voice_turn_latency_seconds_bucket{le="1"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_voice_frame_cpu_milliseconds_bucket{le="0.05",stage="decode"}')).toBe(1);
    expect(seriesValue(body, 'sonicord_voice_frame_cpu_milliseconds_count{stage="playback"}')).toBe(1);
  });

  it('asks for the token on /metrics only, and readiness follows the lifecycle', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('lifecycle: ok');
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    await lifecycle.drain(0);
    const draining = await fetch(`${server.url}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.text()).toContain('lifecycle: stopped');
    // Liveness stays up while the process drains: a restart now would cut the work it is finishing.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
