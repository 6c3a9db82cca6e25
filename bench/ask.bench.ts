/**
 * npm run bench:ask — what the bot adds per streamed answer on top of the bare SDK call.
 *
 * Both sides stream the same 50-token answer from the loopback fake Bedrock through the same real SDK client,
 * alternating answer by answer (order swapped every pair) so drift and load hit both alike; medians per side.
 * "bot" is /ask through the dispatcher (option validation, budget check, BedrockTextModel mapping, progress replies
 * per delta, final reply); "bare" is the SDK loop alone.
 * Goal: < 5 ms and < 1.05x per answer.
 */
import { performance } from 'node:perf_hooks';
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { BedrockTextModel } from '../adapters/bedrock/bedrock-text-model.ts';
import { loadModelCatalog, loadPromptTemplates } from '../adapters/local/config-files.ts';
import { MemoryConversationStore } from '../adapters/local/memory-conversation-store.ts';
import { askCommand } from '../commands/ask.ts';
import type { AskDeps } from '../src/app/ask/deps.ts';
import { runCommand } from '../src/chat/dispatcher.ts';
import { aCommandContext } from '../test/support/command-context.ts';
import { bedrockClientFor, startFakeBedrock, wordChunks } from '../test/support/fake-bedrock.ts';

// Long enough for the JIT to settle on both paths: with 100 pairs the first scenario always read ~0.05 ms worse.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const TOKENS = 50;
const PROMPT = 'Explain in two sentences why the sky is blue.';

const fake = await startFakeBedrock(() => ({
  chunks: wordChunks(TOKENS),
  usage: { inputTokens: 20, outputTokens: TOKENS },
}));
const client = bedrockClientFor(fake.endpoint);
const catalog = await loadModelCatalog('config/models.json', { defaultModel: 'nova-lite', fallbackChain: [] });
const deps: AskDeps = {
  textModel: new BedrockTextModel(client, catalog, { timeoutMs: 30_000 }),
  catalog,
  templates: await loadPromptTemplates('config/templates.json'),
  conversations: new MemoryConversationStore(),
  clock: () => performance.now(),
  now: () => new Date(),
};
const nova = catalog.defaultModel;

async function bare(): Promise<number> {
  const start = performance.now();
  const out = await client.send(
    new ConverseStreamCommand({ modelId: nova.bedrockId, messages: [{ role: 'user', content: [{ text: PROMPT }] }] }),
  );
  let text = '';
  let outputTokens = 0;
  for await (const event of out.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
    if (event.metadata) outputTokens = event.metadata.usage?.outputTokens ?? 0;
  }
  if (text.length === 0 || outputTokens !== TOKENS) throw new Error('bare: incomplete answer');
  return performance.now() - start;
}

// The surface's context is built by the adapter, not the bot core: one per scenario, outside the timing. The
// recording channel stands in for the adapter (whose own edit pacing is platform cost, not the core's).
const contexts = new Map<string, ReturnType<typeof aCommandContext>>();

async function bot(model: string, threadKey?: string): Promise<number> {
  const key = `${model}/${threadKey}`;
  const ctx = contexts.get(key) ?? aCommandContext({ deps: { ask: deps }, ...(threadKey ? { threadKey } : {}) });
  contexts.set(key, ctx);
  const start = performance.now();
  const reply = await runCommand(askCommand, ctx, { prompt: PROMPT, model });
  const elapsed = performance.now() - start;
  if (reply.kind !== 'text' || !reply.footer) throw new Error(`bot: unexpected reply ${JSON.stringify(reply)}`);
  return elapsed;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Wall and process CPU time (client + fake server, same process) of one answer. */
async function sample(run: () => Promise<number>): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))] ?? 0;
};

async function measure(label: string, run: () => Promise<number>) {
  for (let i = 0; i < WARMUP; i++) {
    await bare();
    await run();
  }
  // One bare and one bot answer back to back, the order swapped every pair so neither side always runs first.
  // Each pair gives one ratio and one difference under nearly the same machine load; medians over many pairs
  // shrug off the answers a neighbour's burst of load (or a GC) hit on one side only, which blocks could not.
  const bareSamples: Sample[] = [];
  const botSamples: Sample[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    if (i % 2 === 0) {
      bareSamples.push(await sample(bare));
      botSamples.push(await sample(run));
    } else {
      botSamples.push(await sample(run));
      bareSamples.push(await sample(bare));
    }
  }
  console.log(label);
  for (const metric of ['wallMs', 'cpuMs'] as const) {
    const b = bareSamples.map((x) => x[metric]);
    const o = botSamples.map((x) => x[metric]);
    const diffs = o.map((v, i) => v - (b[i] ?? v));
    const ratios = o.map((v, i) => v / (b[i] ?? v));
    const [mb, mo] = [median(b), median(o)];
    console.log(
      `  ${metric === 'wallMs' ? 'wall' : 'cpu '} median bare ${mb.toFixed(3)} ms  bot ${mo.toFixed(3)} ms  ` +
        `ratio ${(mo / mb).toFixed(3)}x (paired ${median(ratios).toFixed(3)}x)  ` +
        `paired overhead ${median(diffs).toFixed(3)} ms/answer ` +
        `(p25-p75 ${quantile(diffs, 0.25).toFixed(3)} to ${quantile(diffs, 0.75).toFixed(3)})`,
    );
  }
}

console.log(
  `/ask overhead: ${TOKENS}-token streamed answers, ${WARMUP} warm-up + ${ITERATIONS} iterations per side, Node ${process.version}\n` +
    `  each answer timed alone (wall clock, and process CPU incl. the fake server), bare and bot alternating;\n` +
    `  ratio: median bot answer / median bare answer (paired: median over the pairs of bot / bare);\n` +
    `  overhead: median over the pairs of bot - bare`,
);
await measure('nova-lite (local token estimate)', () => bot('nova-lite'));
await measure('nova-lite + remember in a thread', () => bot('nova-lite', 'bench-thread'));
await measure('claude-haiku-4-5 (CountTokens-capable)', () => bot('claude-haiku-4-5'));
client.destroy();
await fake.close();
