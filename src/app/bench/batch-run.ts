import { batchPriced } from '../../domain/bench/batch-price.ts';
import type { ModelCatalog } from '../../domain/models/catalog.ts';
import { appError, ok, type Result } from '../../domain/result.ts';
import type { BenchBatch } from './batch-deps.ts';
import { followBatchJobs } from './batch-follow.ts';
import { type BatchPlan, planBatch, recordKey } from './batch-plan.ts';
import { answerKey, type CallResult } from './call-model.ts';
import type { BenchDeps, BenchHooks } from './deps.ts';
import { type AnswerSource, type RunInput, runBench } from './run-bench.ts';
import type { RunReport } from './run-report.ts';
import { resolveModels } from './run-setup.ts';

type Choice =
  | { readonly kind: 'on_demand'; readonly reason: string }
  | { readonly kind: 'batch'; readonly batch: BenchBatch; readonly plan: BatchPlan; readonly reason: string };

/**
 * Run mode, on the path that suits the file: a Bedrock batch job (half the price, hours not minutes) for files of
 * at least BENCH_BATCH_MIN_ROWS rows when batch inference is set up, else on-demand calls under the adaptive pace.
 * Both paths grade with the same code and give the same report, chart and results CSV; the report says which path
 * ran and why.
 */
export async function runBenchOnBestPath(
  deps: BenchDeps,
  input: RunInput,
  hooks: BenchHooks,
): Promise<Result<RunReport>> {
  const choice = await choosePath(deps, input, hooks.signal);
  if (!choice.ok) return choice;
  if (choice.value.kind === 'on_demand') {
    const run = await runBench(deps, input, hooks);
    return run.ok ? ok({ ...run.value, path: { kind: 'on_demand', reason: choice.value.reason } }) : run;
  }
  const { batch, plan, reason } = choice.value;
  const followed = await followBatchJobs(deps, batch, plan.models, plan.rows, hooks);
  if (!followed.ok) return followed;
  const { answers, cancelled } = followed.value;
  const plans = new Map(plan.models.map((p) => [p.model.id as string, p]));
  const store = deps.answers;
  const source: AnswerSource = async (model, prompt, attempt) => {
    const p = plans.get(model.id);
    const key = recordKey(attempt, prompt);
    const kept = p?.kept.get(key);
    if (kept) return kept;
    const id = p?.ids.get(key);
    const answer = id === undefined ? undefined : answers.get(model.id)?.get(id);
    if (answer?.ok && store) {
      // Kept like an on-demand answer: a later run of these prompts (on either path) reuses it.
      const { text, inputTokens, outputTokens, latencyMs } = answer;
      await store
        .put(answerKey(model, prompt, attempt), { text, inputTokens, outputTokens, latencyMs })
        .catch(() => {});
    }
    return answer ?? missing(cancelled);
  };
  // Grading reads the file again with the answers at hand; a cancel already stopped the jobs, so it runs to the end.
  const grading = new AbortController();
  const run = await runBench(
    { ...deps, catalog: batchCatalog(deps.catalog), limits: { ...deps.limits, maxRunRows: batch.maxRows } },
    input,
    { signal: grading.signal, onProgress: hooks.onProgress },
    source,
  );
  if (!run.ok) return run;
  const { processed, total, jobs } = followed.value;
  return ok({
    ...run.value,
    path: { kind: 'batch', reason, jobs },
    ...(cancelled
      ? {
          stopped: appError(
            'bench.cancelled',
            `Cancelled: the batch jobs were stopped after ${processed.toLocaleString('en')} of ${total.toLocaleString('en')} records.`,
          ),
        }
      : {}),
  });
}

async function choosePath(deps: BenchDeps, input: RunInput, signal: AbortSignal): Promise<Result<Choice>> {
  const batch = deps.batch;
  const onDemand = (reason: string) => ok({ kind: 'on_demand' as const, reason });
  if (!batch) {
    return onDemand(
      'batch inference is not set up (BENCH_BATCH_BUCKET, BENCH_BATCH_ROLE_ARN and AWS credentials are needed).',
    );
  }
  if (input.grader.type === 'judge') return onDemand('the judge grader asks a model about every answer as it comes.');
  const models = resolveModels(deps, input.models);
  if (!models.ok) return models;
  const unsupported = models.value.filter((m) => !batch.inference.supports(m));
  if (unsupported.length > 0) {
    return onDemand(
      `batch jobs are written for Amazon Nova and Anthropic Claude, not ${unsupported.map((m) => m.id).join(', ')}.`,
    );
  }
  const plan = await planBatch(deps, input, models.value, batch.maxRows, signal);
  if (!plan.ok) return plan;
  const { rows } = plan.value;
  if (rows < batch.minRows) {
    return onDemand(
      `${rows.toLocaleString('en')} rows, under the ${batch.minRows.toLocaleString('en')} that go to a batch job (BENCH_BATCH_MIN_ROWS).`,
    );
  }
  if (plan.value.models.every((p) => p.records.length === 0)) {
    return onDemand('every answer is kept from an earlier run of these prompts (add `fresh:true` to ask again).');
  }
  const min = batch.inference.minRecordsPerJob;
  const few = plan.value.models.find((p) => p.records.length > 0 && p.records.length < min);
  if (few) {
    return onDemand(
      `only ${few.records.length} distinct prompts are left to ask ${few.model.id}, and a batch job takes at least ${min}.`,
    );
  }
  return ok({
    kind: 'batch' as const,
    batch,
    plan: plan.value,
    reason: `${rows.toLocaleString('en')} rows, at least the ${batch.minRows.toLocaleString('en')} of BENCH_BATCH_MIN_ROWS`,
  });
}

const missing = (cancelled: boolean): CallResult =>
  cancelled
    ? { ok: false, code: 'model.aborted', message: 'cancelled before the batch job reached this record', attempts: 0 }
    : { ok: false, code: 'model.unavailable', message: 'the batch job wrote no output for this record', attempts: 1 };

/** The same models at the batch price: the run's cost figures and CSV then bill what Bedrock bills. */
function batchCatalog(catalog: ModelCatalog): ModelCatalog {
  const priced = new Map(catalog.models.map((m) => [m.id as string, batchPriced(m)]));
  return {
    models: [...priced.values()],
    get: (id) => {
      const m = catalog.get(id);
      return m ? (priced.get(m.id) ?? batchPriced(m)) : undefined;
    },
    defaultModel: batchPriced(catalog.defaultModel),
    fallbackChain: catalog.fallbackChain.map((m) => batchPriced(m)),
  };
}
