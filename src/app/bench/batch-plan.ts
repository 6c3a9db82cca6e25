import type { ModelInfo } from '../../domain/models/catalog.ts';
import { err, ok, type Result } from '../../domain/result.ts';
import { answerKey, type CallResult } from './call-model.ts';
import type { BenchDeps } from './deps.ts';
import { type RunInput, rowInput } from './run-bench.ts';
import { resolveLayout } from './run-setup.ts';
import { tableOptions } from './score-file.ts';

/** One prompt to send; its request is built per job, so a 1M-row plan holds strings, not request objects. */
export interface PlannedRecord {
  readonly recordId: string;
  readonly prompt: string;
}

/** What one model of a batch run must be asked: each distinct (attempt, prompt) once, as a record. */
export interface ModelPlan {
  readonly model: ModelInfo;
  readonly records: PlannedRecord[];
  /** `recordKey(attempt, prompt)` → recordId. */
  readonly ids: Map<string, string>;
  /** Answers kept from an earlier run of the same prompts (resume): not sent again. */
  readonly kept: Map<string, CallResult>;
}

export interface BatchPlan {
  /** Rows with a prompt and an expected value (blank rows are not counted). */
  readonly rows: number;
  readonly models: readonly ModelPlan[];
}

export const recordKey = (attempt: number, prompt: string): string => `${attempt}\u0000${prompt}`;

/** Alphanumeric and 11 characters, as Bedrock's own record ids are. */
const recordId = (n: number): string => `R${String(n).padStart(10, '0')}`;

/**
 * Reads the file once with the same reader, layout and row rules as run mode, and lists the records each model
 * needs. Stops after `maxRows` rows (the grading pass caps at the same row). File errors are left to that pass,
 * which reports them as run mode does; only a file with no usable header fails here.
 */
export async function planBatch(
  deps: BenchDeps,
  input: RunInput,
  models: readonly ModelInfo[],
  maxRows: number,
  signal: AbortSignal,
): Promise<Result<BatchPlan>> {
  const repeat = input.repeat ?? 1;
  const plans: ModelPlan[] = models.map((model) => ({ model, records: [], ids: new Map(), kept: new Map() }));
  const store = input.fresh ? undefined : deps.answers;
  let rows = 0;
  let read = 0;
  let layout: ReturnType<typeof resolveLayout> | undefined;
  reading: for await (const event of deps.tables.read(input.file, tableOptions(deps, input), signal)) {
    if (event.type === 'header') {
      layout = resolveLayout(event.columns, input);
      if (!layout.ok) return layout;
    } else if (event.type === 'rows' && layout?.ok) {
      for (const row of event.rows) {
        if (read >= maxRows) break reading;
        read++;
        const next = rowInput(layout.value, row);
        if (next.prompt.trim() === '' || next.expected.every((e) => e.trim() === '')) continue;
        rows++;
        for (let attempt = 1; attempt <= repeat; attempt++) {
          for (const plan of plans) await add(plan, attempt, next.prompt, store);
        }
      }
    } else if (event.type === 'error') {
      if (!layout) return err(event.error);
      break;
    }
  }
  return ok({ rows, models: plans });
}

async function add(plan: ModelPlan, attempt: number, prompt: string, store: BenchDeps['answers']): Promise<void> {
  const key = recordKey(attempt, prompt);
  if (plan.ids.has(key) || plan.kept.has(key)) return;
  const kept = store ? await store.get(answerKey(plan.model, prompt, attempt)).catch(() => undefined) : undefined;
  if (kept) {
    plan.kept.set(key, { ok: true, ...kept, attempts: 0, cached: false, reused: true });
    return;
  }
  const id = recordId(plan.records.length);
  plan.ids.set(key, id);
  plan.records.push({ recordId: id, prompt });
}
