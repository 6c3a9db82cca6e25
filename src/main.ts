/**
 * The composition root: reads the configuration, builds every adapter and starts the configured surfaces.
 * With no Discord or Slack credentials it serves the playground on 127.0.0.1. Read it top to bottom.
 */
import 'dotenv/config';
import { join } from 'node:path';
import { guardSdkStreamErrors } from '../adapters/bedrock/nova-sonic/process-guard.ts';
import { createPinoLogger } from '../adapters/logging/pino-logger.ts';
import { DiskKeptResults } from '../adapters/results/disk-kept-results.ts';
import { commands, messageHandlers } from '../commands/index.ts';
import type { AppDeps } from './app/deps.ts';
import { knowledgeTool } from './app/knowledge/knowledge-tool.ts';
import { recordOrderStatus } from './app/ops/order-metrics.ts';
import { shutDown } from './app/ops/shutdown.ts';
import { orderTools } from './app/orders/assistant/order-tools.ts';
import { RoutingNotifier } from './app/route-notifications.ts';
import { ToolRegistry } from './app/tools.ts';
import type { Core } from './chat/surface.ts';
import { composeAsk } from './compose/ask.ts';
import { composeBench } from './compose/bench.ts';
import { composeKnowledge } from './compose/knowledge.ts';
import { composeOps } from './compose/ops.ts';
import { composeOrders } from './compose/orders.ts';
import { composeAwsAccess, logStartupSummary } from './compose/startup.ts';
import { startSurfaces } from './compose/surfaces.ts';
import { composeVoice } from './compose/voice.ts';
import { loadConfig } from './config.ts';

const config = loadConfig();
const { env } = config;
const log = createPinoLogger(env.LOG_LEVEL);
guardSdkStreamErrors(log);

const { aws, checked: awsChecked } = composeAwsAccess(config);
const notifier = new RoutingNotifier(log.child({ area: 'notifications' }));
const tools = new ToolRegistry();
const ops = await composeOps(env, log.child({ area: 'ops' }));
const ask = ops.meter(await composeAsk(env, log.child({ area: 'ask' })));
const orders = await composeOrders(env, notifier, log.child({ area: 'orders' }), recordOrderStatus(ops.metrics));
// The order tools serve the order assistant and both voice engines; they act for the caller our code names.
tools.register(...orderTools(orders.deps));
const knowledge = await composeKnowledge(config, ask, log.child({ area: 'knowledge' }));
// search_knowledge serves both voice engines through the shared list (the order assistant adds its own per question).
tools.register(knowledgeTool(knowledge));
const deps: AppDeps = {
  log,
  now: () => new Date(),
  notifier,
  tools,
  ask,
  orders: orders.deps,
  bench: composeBench(env, ask, config.awsCredentialsConfigured),
  voice: {
    ...(await composeVoice(env, ask, tools, log)),
    aws,
    ops: ops.deps,
    onVoiceToVoice: (ms) => ops.deps.metrics.voiceTurnLatency(ms),
    ...(ops.budgets ? { budgets: ops.budgets } : {}),
  },
  aws,
  knowledge,
  ops: ops.deps,
  ...(ops.budgets ? { budgets: ops.budgets } : {}),
  ...(env.RESULTS_KEEP_HOURS > 0
    ? {
        results: {
          store: new DiskKeptResults(join(env.DATA_DIR, 'results')),
          keepForMs: env.RESULTS_KEEP_HOURS * 3_600_000,
        },
      }
    : {}),
};
const core: Core = { commands, messageHandlers, deps, log };

const running = await startSurfaces(config, core, notifier).catch(async (error: unknown) => {
  await orders.stop();
  await ops.stop();
  throw error;
});
const opsUrl = await ops.serve(running);
// Surfaces are attached to the notifier now, so replayed status changes reach their users.
const resumed = await orders.resume();
await awsChecked;
const summary = logStartupSummary(config, log, { running, aws, resumedOrders: resumed });
if (running.playgroundUrl) console.log(`\n  Sonicord playground: ${running.playgroundUrl}\n`);
if (opsUrl) console.log(`  Ops endpoints: ${opsUrl}/healthz /readyz /metrics\n`);
console.log(`${summary.map((line) => `  ${line}`).join('\n')}\n`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  // Orders before surfaces: status changes still in flight reach users while the surfaces are up.
  await shutDown({
    lifecycle: ops.deps.lifecycle,
    graceMs: env.SHUTDOWN_GRACE_MS,
    log,
    stopOrders: () => orders.stop(),
    stopSurfaces: () => running.stop(),
    stopStores: () => ops.stop(),
  });
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
