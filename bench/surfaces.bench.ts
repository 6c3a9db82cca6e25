/**
 * One busy command never stalls the others: scores a generated 1,000,000-row CSV through /bench's score path (the
 * progress messages, the reply with chart and results CSV, keeping the result on disk, rendering it for Discord) while the same event loop runs a simulated voice playback loop (a 20 ms
 * frame every 20 ms from a 40 ms cushion: a frame more than 40 ms late is a gap the listener hears) and a stream of
 * simulated interactions (100 a second, each acknowledged as soon as the loop gets to it). Runs it twice: with
 * the work on worker threads (production) and on the main thread (before), and prints for each the event loop's
 * max stall (goal <= 10 ms), missed voice frames (goal 0) and p99 acknowledgement time (goal < 100 ms), and a
 * histogram of the stalls with what caused them (stall-causes.ts). An idle run first measures the machine's own noise
 * (other processes taking the CPU show up as stalls too). `-- rows runs` repeats the worker-thread run `runs` times.
 *   npm run bench:surfaces [-- rows]
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CanvasChartRenderer } from '../adapters/charts/canvas-chart-renderer.ts';
import { renderProgress, renderReply } from '../adapters/discord/render-reply.ts';
import { FileTableSource } from '../adapters/files/file-table-source.ts';
import { DiskKeptResults } from '../adapters/results/disk-kept-results.ts';
import { WorkerBench } from '../adapters/workers/worker-bench.ts';
import { type BenchDeps, defaultBenchLimits } from '../src/app/bench/deps.ts';
import { progressReply } from '../src/app/bench/present-progress.ts';
import { scoreReply } from '../src/app/bench/present-score.ts';
import { runScore } from '../src/app/bench/score-file.ts';
import { keepResult } from '../src/app/results/keep-result.ts';
import type { Reply } from '../src/chat/reply.ts';
import { warmUpFormatting } from '../src/compose/bench.ts';
import type { UserId } from '../src/domain/ids.ts';
import type { ModelCatalog } from '../src/domain/models/catalog.ts';
import type { TextModel } from '../src/ports/text-model.ts';
import { describeStalls, maxOnCpu, type Stall, StallCauses } from './stall-causes.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'bench-surfaces-'));
const path = join(dir, 'predictions.csv');
// The score bench writes the same file in a child process.
execFileSync(process.execPath, [new URL('./score.bench.ts', import.meta.url).pathname, String(rows), path], {
  stdio: 'inherit',
});
const size = statSync(path).size;

const unused = (): never => {
  throw new Error('score mode calls no model');
};
const base: BenchDeps = {
  tables: new FileTableSource(),
  charts: new CanvasChartRenderer(),
  textModel: { generate: unused, countTokens: unused } as TextModel,
  catalog: {} as ModelCatalog,
  limits: { ...defaultBenchLimits, maxBytes: 200 * 1024 * 1024 },
  clock: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
const workers = new WorkerBench();
const kept = new DiskKeptResults(join(dir, 'results'));
// As composeBench does at startup: ICU's number and date formats load on first use (about 25 ms).
warmUpFormatting();

interface Figures {
  seconds: number;
  maxStallMs: number;
  p99StallMs: number;
  framesSent: number;
  framesMissed: number;
  acks: number;
  ackP50: number;
  ackP99: number;
  ackMax: number;
  stalls: Stall[];
}

/** Calls `tick` at `every` ms on an absolute schedule; `tick(lateMs)` for each due slot. Returns a stop function. */
function schedule(every: number, tick: (lateMs: number) => void): () => void {
  let due = performance.now() + every;
  let timer: NodeJS.Timeout;
  const run = () => {
    const now = performance.now();
    while (due <= now) {
      tick(now - due);
      due += every;
    }
    timer = setTimeout(run, Math.max(0, due - performance.now()));
  };
  timer = setTimeout(run, every);
  return () => clearTimeout(timer);
}

async function measure(deps: BenchDeps | undefined): Promise<Figures> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let framesSent = 0;
  let framesMissed = 0;
  const stopVoice = schedule(20, (late) => {
    framesSent++;
    if (late > 40) framesMissed++; // the 40 ms cushion ran dry: a gap in the audio
  });
  const acks: number[] = [];
  const stopInteractions = schedule(10, (late) => {
    // An interaction that arrived `late` ms ago is acknowledged now (the deferral Discord/Slack ask for).
    acks.push(late);
  });
  const causes = new StallCauses();
  delay.enable();
  const started = performance.now();
  if (deps) {
    causes.phase('scoring');
    // What commands/bench.ts does with each progress report: a progress reply, rendered for Discord.
    const onProgress = (p: Parameters<typeof progressReply>[1]) =>
      causes.span('progress message', () => renderProgress(progressReply('Scoring predictions.csv', p)));
    const result = await runScore(
      deps,
      { file: { name: 'predictions.csv', size, open: () => createReadStream(path) }, normalize: true },
      { signal: new AbortController().signal, onProgress },
    );
    if (!result.ok) throw new Error(result.error.message);
    causes.phase('reply assembly');
    const reply = await scoreReply(deps, result.value, (e) => console.error('chart failed', e));
    if (reply.kind !== 'composite') throw new Error('score mode answers a composite reply');
    // Then the dispatcher keeps the result and the surface renders it (src/chat/dispatcher.ts, render-reply.ts).
    causes.phase('keeping the result');
    const deliver: Reply = await keepResult(
      { results: kept, now: () => new Date(), keepForMs: 3_600_000 },
      { owner: 'bench-user' as UserId, command: 'bench', reply },
    );
    causes.phase('rendering for Discord');
    causes.span('rendering for Discord', () => renderReply(deliver));
  } else {
    await new Promise((resolve) => setTimeout(resolve, 3000)); // the machine's own noise, nothing to do
  }
  const seconds = (performance.now() - started) / 1000;
  causes.phase('after');
  await new Promise((resolve) => setTimeout(resolve, 100)); // a late stall (a worker's teardown) still counts
  delay.disable();
  const stalls = causes.stop();
  stopVoice();
  stopInteractions();
  acks.sort((a, b) => a - b);
  const at = (q: number) => acks[Math.min(acks.length - 1, Math.floor(q * acks.length))] ?? 0;
  return {
    seconds,
    maxStallMs: Math.max(0, delay.max / 1e6 - 1),
    p99StallMs: Math.max(0, delay.percentile(99) / 1e6 - 1),
    framesSent,
    framesMissed,
    acks: acks.length,
    ackP50: at(0.5),
    ackP99: at(0.99),
    ackMax: acks.at(-1) ?? 0,
    stalls,
  };
}

const print = (label: string, f: Figures) => {
  console.log(`${label}`);
  console.log(`  score + reply      ${f.seconds.toFixed(2)} s`);
  console.log(
    `  event loop stall   max ${f.maxStallMs.toFixed(1)} ms, p99 ${f.p99StallMs.toFixed(1)} ms (goal max <= 10)`,
  );
  console.log(`  voice frames       ${f.framesMissed} missed of ${f.framesSent} (goal 0)`);
  console.log(
    `  acknowledgements   p50 ${f.ackP50.toFixed(1)} ms, p99 ${f.ackP99.toFixed(1)} ms, max ${f.ackMax.toFixed(1)} ms over ${f.acks} (goal p99 < 100)`,
  );
  console.log(
    `  main thread busy   max ${maxOnCpu(f.stalls).toFixed(1)} ms on the CPU in one stall (the rest of a stall is waiting for a core)`,
  );
  for (const line of describeStalls(f.stalls)) console.log(line);
  const met = f.maxStallMs <= 10 && f.framesMissed === 0 && f.ackP99 < 100;
  console.log(`  goals              ${met ? 'met' : 'NOT met'}`);
};

console.log(`file               ${rows.toLocaleString('en')} rows, ${(size / 1024 / 1024).toFixed(0)} MB`);
print("idle (the same loops with no /bench: this machine's noise floor)", await measure(undefined));
const production = { ...base, charts: workers, offload: workers };
const figures: Figures[] = [];
for (let run = 1; run <= runs; run++) {
  const f = await measure(production);
  figures.push(f);
  print(`worker threads (production), run ${run} of ${runs}`, f);
}
const maxes = figures.map((f) => f.maxStallMs.toFixed(1)).join(', ');
const busy = figures.map((f) => maxOnCpu(f.stalls).toFixed(1)).join(', ');
console.log(`worker threads: max stall per run ${maxes} ms; main thread busy at most ${busy} ms per run`);
console.log('  (noisy on a loaded machine: compare with the idle run, and judge by the causes)');
print('main thread (before)', await measure(base));
rmSync(dir, { recursive: true, force: true });
