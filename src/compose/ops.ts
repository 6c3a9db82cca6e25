import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { DynamoBudgetStore, ensureBudgetTable } from '../../adapters/aws/dynamo-budget-store.ts';
import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { DiscordSurface } from '../../adapters/discord/discord-surface.ts';
import { startEmbeddedDynamo } from '../../adapters/local/embedded-dynalite.ts';
import { discordGatewayReading } from '../../adapters/metrics/discord-gateway.ts';
import { OpsServer, type Readiness } from '../../adapters/metrics/ops-server.ts';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics.ts';
import type { AskDeps } from '../app/ask/deps.ts';
import { Budgets } from '../app/budgets/budgets.ts';
import { parseBudgetPolicy } from '../app/budgets/policy.ts';
import type { OpsDeps } from '../app/ops/deps.ts';
import { Lifecycle } from '../app/ops/lifecycle.ts';
import { MeteredTextModel } from '../app/ops/metered-text-model.ts';
import type { Env } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { StartedSurfaces } from './surfaces.ts';

export interface ComposedOps {
  readonly deps: OpsDeps;
  readonly metrics: PrometheusMetrics;
  readonly budgets?: Budgets;
  /** The /ask deps with every model call recorded (bench, knowledge and voice share its text model). */
  meter(ask: AskDeps): AskDeps;
  /** Starts the ops listener (when OPS_PORT is set) once the surfaces run; returns its URL. */
  serve(running: StartedSurfaces): Promise<string | undefined>;
  /** Closes the listener and the budget store: last, after the surfaces stopped. */
  stop(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', '::1', 'localhost']);

/** Metrics, the lifecycle shutdown drains, budgets (when on) and the /healthz, /readyz, /metrics listener. */
export async function composeOps(env: Env, log: Logger): Promise<ComposedOps> {
  if (env.OPS_PORT !== 'off' && !isLoopback(env.OPS_HOST) && !env.METRICS_TOKEN) {
    throw new Error(
      `OPS_HOST=${env.OPS_HOST} listens beyond this machine: set METRICS_TOKEN (e.g. \`openssl rand -hex 16\`) so /metrics asks who is scraping, or set OPS_HOST=127.0.0.1.`,
    );
  }
  const metrics = new PrometheusMetrics();
  const lifecycle = new Lifecycle();
  const closers: (() => Promise<void>)[] = [];
  const budgets = env.BUDGETS === 'on' ? await composeBudgets(env, metrics, closers) : undefined;
  let server: OpsServer | undefined;
  return {
    deps: { metrics, lifecycle },
    metrics,
    ...(budgets ? { budgets } : {}),
    meter: (ask) => ({ ...ask, textModel: new MeteredTextModel(ask.textModel, ask.catalog, metrics) }),
    async serve(running) {
      const discord = running.surfaces.find((s): s is DiscordSurface => s instanceof DiscordSurface);
      if (discord) metrics.observeGateway(() => discordGatewayReading(discord.client));
      if (env.OPS_PORT === 'off') return undefined;
      server = new OpsServer({
        host: env.OPS_HOST,
        port: env.OPS_PORT,
        ...(env.METRICS_TOKEN ? { token: env.METRICS_TOKEN } : {}),
        scrape: async () => ({ body: await metrics.scrape(), contentType: metrics.contentType }),
        readiness: () => readiness(lifecycle, running, budgets),
      });
      await server.start();
      log.info({ url: server.url }, 'ops endpoints ready (/healthz, /readyz, /metrics)');
      return server.url;
    },
    async stop() {
      await server?.stop();
      for (const close of closers.reverse()) await close().catch((e: unknown) => log.warn({ err: e }, 'close failed'));
    },
  };
}

async function composeBudgets(
  env: Env,
  metrics: PrometheusMetrics,
  closers: (() => Promise<void>)[],
): Promise<Budgets> {
  const policy = parseBudgetPolicy(JSON.parse(await readFile(env.BUDGETS_FILE, 'utf8')), env.BUDGETS_FILE);
  let endpoint = env.DYNAMODB_ENDPOINT;
  if (env.BUDGETS_STORE === 'local') {
    const embedded = await startEmbeddedDynamo({ path: join(env.DATA_DIR, 'budgets') });
    closers.push(() => embedded.close());
    endpoint = embedded.endpoint;
  }
  const local = env.BUDGETS_STORE === 'local';
  const { client, doc } = makeDynamo({
    region: local ? 'local' : env.AWS_REGION,
    ...(endpoint ? { endpoint } : {}),
    ...(local ? { unsignedLoopback: true } : {}),
  });
  closers.push(async () => client.destroy());
  // A local endpoint gets its table made; in the cloud the table is provisioned (infra/).
  if (endpoint) await ensureBudgetTable(client, env.BUDGETS_TABLE);
  return new Budgets({ store: new DynamoBudgetStore(doc, env.BUDGETS_TABLE), policy, now: () => new Date(), metrics });
}

/** Ready: not shutting down, every surface connected, the budget store answering. */
async function readiness(lifecycle: Lifecycle, running: StartedSurfaces, budgets?: Budgets): Promise<Readiness> {
  const checks: Record<string, string> = {
    lifecycle: lifecycle.status === 'running' ? 'ok' : lifecycle.status,
  };
  for (const surface of running.surfaces) {
    checks[surface.platform] =
      surface instanceof DiscordSurface && !surface.client.isReady() ? 'gateway not connected' : 'ok';
  }
  if (budgets) {
    checks.budgets = await withinMs(budgets.probe(), PROBE_MS).then(
      () => 'ok',
      () => 'store not answering',
    );
  }
  return { ready: Object.values(checks).every((c) => c === 'ok'), checks };
}

/** A readiness probe answers within a load balancer's timeout, whatever the store does. */
const PROBE_MS = 2_000;

function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || (isIP(host) === 4 && host.startsWith('127.'));
}
