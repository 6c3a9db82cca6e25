import type { AppError } from '../../domain/result.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import {
  type BatchJob,
  type BatchJobStatus,
  type BatchRecordResult,
  FINISHED_STATES,
} from '../../ports/batch-inference.ts';
import type { ModelFailureCode } from '../../ports/text-model.ts';
import type { BenchBatch } from './batch-deps.ts';
import type { ModelPlan, PlannedRecord } from './batch-plan.ts';
import { benchRequest, type CallResult } from './call-model.ts';
import type { BenchDeps, BenchHooks } from './deps.ts';
import type { BatchJobReport } from './run-report.ts';

/** A slice of one model's records that goes to Bedrock as one job. */
interface Chunk {
  readonly plan: ModelPlan;
  readonly records: readonly PlannedRecord[];
  readonly name: string;
}

interface Tracked {
  readonly chunk: Chunk;
  job?: BatchJob;
  status?: BatchJobStatus;
  /** Why the job never ran or could not be followed. */
  failure?: string;
  statusFailures: number;
}

export interface FollowedJobs {
  /** Per model id: recordId → the answer (or failure) the job gave it. */
  readonly answers: ReadonlyMap<string, ReadonlyMap<string, CallResult>>;
  readonly jobs: readonly BatchJobReport[];
  readonly cancelled: boolean;
  readonly processed: number;
  readonly total: number;
}

/** Status polls that may fail in a row (throttling, a network blip) before a job is given up as lost. */
const MAX_STATUS_FAILURES = 5;
/** Polls after a cancel, at most STOP_WAIT_MS apart, for the jobs to reach Stopped before their output is read. */
const STOP_POLLS = 12;
const STOP_WAIT_MS = 5000;

/**
 * Submits each model's records as batch jobs (split at the records-per-job quota, halved again when a file passes
 * the size quota), polls them with a growing wait and reports progress, stops them on cancel, and reads every
 * record's answer. Jobs refused for the account's job quota wait for the next poll. A failed job fails its records,
 * not the run; only a first submission that Bedrock or S3 refuses (access, bucket, role) fails the run.
 */
export async function followBatchJobs(
  deps: Pick<BenchDeps, 'clock' | 'sleep'>,
  batch: BenchBatch,
  plans: readonly ModelPlan[],
  rows: number,
  hooks: BenchHooks,
): Promise<Result<FollowedJobs>> {
  const runId = batch.runId();
  const pending: Chunk[] = plans.flatMap((plan) => chunksOf(plan, batch.inference.maxRecordsPerJob, runId));
  const tracked: Tracked[] = [];
  const total = pending.reduce((n, c) => n + c.records.length, 0);
  const started = deps.clock();
  let wait = batch.pollMs;
  let cancelled = false;
  const unfinished = () =>
    tracked.filter((t) => t.job && !t.failure && !(t.status && FINISHED_STATES.has(t.status.state)));

  while (true) {
    if (hooks.signal.aborted) {
      cancelled = true;
      break;
    }
    const submitted = await submit(batch, pending, tracked, hooks.signal, runId);
    if (!submitted.ok) {
      if (hooks.signal.aborted) continue;
      return submitted;
    }
    for (const t of unfinished()) await poll(batch, t, hooks.signal);
    report(deps, hooks, tracked, pending, total, rows, started);
    if (pending.length === 0 && unfinished().length === 0) break;
    try {
      await deps.sleep(wait, hooks.signal);
    } catch {
      cancelled = true;
      break;
    }
    wait = Math.min(batch.maxPollMs, Math.ceil(wait * 1.5));
  }
  if (cancelled) await stopAll(deps, batch, tracked);

  const answers = new Map<string, Map<string, CallResult>>();
  const reader = new AbortController().signal;
  for (const t of tracked) {
    const forModel = answers.get(t.chunk.plan.model.id) ?? new Map<string, CallResult>();
    answers.set(t.chunk.plan.model.id, forModel);
    await collect(batch, t, forModel, reader);
  }
  for (const chunk of pending) tracked.push({ chunk, statusFailures: 0, failure: 'not submitted (cancelled)' });
  const processed = tracked.reduce((n, t) => n + (t.status?.processed ?? 0), 0);
  return ok({ answers, jobs: tracked.map(jobReport), cancelled, processed, total });
}

/** Balanced slices of at most `max` records, so no job falls under Bedrock's minimum when a model has more. */
function chunksOf(plan: ModelPlan, max: number, runId: string): Chunk[] {
  const count = plan.records.length;
  if (count === 0) return [];
  const parts = Math.ceil(count / max);
  const size = Math.ceil(count / parts);
  const slug = plan.model.id.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 24);
  return Array.from({ length: parts }, (_, i) => ({
    plan,
    records: plan.records.slice(i * size, (i + 1) * size),
    name: `${runId}-${slug}-${i + 1}`,
  }));
}

async function submit(
  batch: BenchBatch,
  pending: Chunk[],
  tracked: Tracked[],
  signal: AbortSignal,
  runId: string,
): Promise<Result<void>> {
  while (pending.length > 0) {
    const chunk = pending[0] as Chunk;
    const { model } = chunk.plan;
    const records = chunk.records.map((r) => ({ recordId: r.recordId, request: benchRequest(model, r.prompt) }));
    const started = await batch.inference.start({ runId, name: chunk.name, model, records }, signal);
    if (started.ok) {
      pending.shift();
      tracked.push({ chunk, job: started.value, statusFailures: 0 });
      continue;
    }
    const code = started.error.code;
    if (code === 'batch.quota' || code === 'batch.throttled') return ok(undefined);
    if (code === 'batch.too_large' && chunk.records.length >= 2 * batch.inference.minRecordsPerJob) {
      const half = Math.ceil(chunk.records.length / 2);
      pending.splice(
        0,
        1,
        { ...chunk, records: chunk.records.slice(0, half), name: `${chunk.name}a` },
        { ...chunk, records: chunk.records.slice(half), name: `${chunk.name}b` },
      );
      continue;
    }
    if (!tracked.some((t) => t.job)) return err(started.error);
    pending.shift();
    tracked.push({ chunk, statusFailures: 0, failure: describe(started.error) });
  }
  return ok(undefined);
}

async function poll(batch: BenchBatch, t: Tracked, signal: AbortSignal): Promise<void> {
  if (!t.job) return;
  const status = await batch.inference.status(t.job, signal);
  if (status.ok) {
    t.status = status.value;
    t.statusFailures = 0;
    return;
  }
  if (signal.aborted) return;
  t.statusFailures++;
  if (t.statusFailures >= MAX_STATUS_FAILURES) t.failure = `its status could not be read: ${describe(status.error)}`;
}

async function stopAll(deps: Pick<BenchDeps, 'sleep'>, batch: BenchBatch, tracked: readonly Tracked[]): Promise<void> {
  const running = tracked.filter((t) => t.job && !t.failure && !(t.status && FINISHED_STATES.has(t.status.state)));
  const signal = new AbortController().signal;
  for (const t of running) if (t.job) await batch.inference.stop(t.job);
  for (let i = 0; i < STOP_POLLS; i++) {
    const left = running.filter((t) => !(t.status && FINISHED_STATES.has(t.status.state)) && !t.failure);
    if (left.length === 0) return;
    for (const t of left) await poll(batch, t, signal);
    if (left.some((t) => !(t.status && FINISHED_STATES.has(t.status.state)))) {
      await deps.sleep(Math.min(batch.pollMs, STOP_WAIT_MS), signal).catch(() => undefined);
    }
  }
}

/** Every record of the job into `into`: its answer, its record error, or the job's failure. */
async function collect(
  batch: BenchBatch,
  t: Tracked,
  into: Map<string, CallResult>,
  signal: AbortSignal,
): Promise<void> {
  const state = t.status?.state;
  const readable = t.job && !t.failure && state !== 'failed' && state !== 'expired';
  if (t.job && readable) {
    try {
      for await (const r of batch.inference.results(t.job, signal)) into.set(r.recordId, toCallResult(r));
    } catch (error) {
      t.failure = `its output could not be read: ${error instanceof Error ? error.message : String(error)}`;
    }
    const manifest = await batch.inference.manifest(t.job, signal);
    if (manifest.ok && manifest.value) {
      const m = manifest.value;
      t.status = {
        ...(t.status ?? { state: 'completed', label: 'Completed' }),
        total: m.totalRecordCount,
        processed: m.processedRecordCount,
        succeeded: m.successRecordCount,
        failed: m.errorRecordCount,
      };
    }
  }
  if (!readable || t.failure) {
    const why =
      t.failure ?? `the batch job ${t.status?.label ?? 'failed'}${t.status?.message ? `: ${t.status.message}` : ''}`;
    for (const r of t.chunk.records) {
      if (!into.has(r.recordId))
        into.set(r.recordId, { ok: false, code: 'model.unavailable', message: why, attempts: 1 });
    }
  }
}

function toCallResult(r: BatchRecordResult): CallResult {
  if (r.ok) {
    const { text, inputTokens, outputTokens } = r;
    return { ok: true, text, inputTokens, outputTokens, latencyMs: 0, attempts: 1, cached: false, batch: true };
  }
  return { ok: false, code: recordCode(r.code), message: `batch record error (${r.code}): ${r.message}`, attempts: 1 };
}

/** A record's HTTP-like error code as the failure codes on-demand calls report. */
function recordCode(code: string): ModelFailureCode {
  const status = Number(code.replace('batch.record_', ''));
  if (status === 429) return 'model.throttled';
  if (status === 408) return 'model.timeout';
  if (status === 400 || status === 422) return 'model.invalid_request';
  if (status === 403) return 'model.access_denied';
  return 'model.unavailable';
}

function report(
  deps: Pick<BenchDeps, 'clock'>,
  hooks: BenchHooks,
  tracked: readonly Tracked[],
  pending: readonly Chunk[],
  total: number,
  rows: number,
  started: number,
): void {
  const processed = tracked.reduce((n, t) => n + (t.status?.processed ?? 0), 0);
  const fraction = total > 0 ? Math.min(1, processed / total) : undefined;
  const elapsed = deps.clock() - started;
  const byModel = new Map<string, { labels: string[]; done: number; records: number }>();
  const entry = (model: string) => {
    const e = byModel.get(model) ?? { labels: [], done: 0, records: 0 };
    byModel.set(model, e);
    return e;
  };
  for (const t of tracked) {
    const e = entry(t.chunk.plan.model.id);
    e.labels.push(t.failure ? 'Failed' : (t.status?.label ?? 'Submitted'));
    e.done += t.status?.processed ?? 0;
    e.records += t.chunk.records.length;
  }
  for (const c of pending) {
    const e = entry(c.plan.model.id);
    e.labels.push('Waiting');
    e.records += c.records.length;
  }
  const detail = [...byModel]
    .map(([model, e]) => {
      const jobs = `${e.labels.length} batch job${e.labels.length === 1 ? '' : 's'}`;
      return `${model}: ${jobs} ${[...new Set(e.labels)].join('/')}, ${e.done.toLocaleString('en')} / ${e.records.toLocaleString('en')} records`;
    })
    .join(' · ');
  hooks.onProgress({
    rowsDone: fraction === undefined ? 0 : Math.floor(rows * fraction),
    fraction,
    etaMs: fraction ? (elapsed / fraction) * (1 - fraction) : undefined,
    accuracy: 0,
    ungraded: true,
    detail: `Bedrock batch inference: ${detail}`,
  });
}

function jobReport(t: Tracked): BatchJobReport {
  const s = t.status;
  const message = t.failure ?? s?.message;
  return {
    model: t.chunk.plan.model.id,
    name: t.chunk.name,
    id: t.job?.id ?? '',
    status: t.failure && !s ? 'NotSubmitted' : (s?.label ?? 'Unknown'),
    records: t.chunk.records.length,
    ...(s?.succeeded === undefined ? {} : { succeeded: s.succeeded }),
    ...(s?.failed === undefined ? {} : { failed: s.failed }),
    ...(message ? { message } : {}),
  };
}

const describe = (e: AppError): string => `${e.code}: ${e.message}`;
