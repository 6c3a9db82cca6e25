import { awsRefusal } from '../src/app/aws-access.ts';
import { runBenchOnBestPath } from '../src/app/bench/batch-run.ts';
import { progressReply } from '../src/app/bench/present-progress.ts';
import { runReply } from '../src/app/bench/present-run.ts';
import { scoreReply } from '../src/app/bench/present-score.ts';
import { MAX_REPEAT } from '../src/app/bench/run-bench.ts';
import { isPromptfooFile } from '../src/app/bench/run-setup.ts';
import { runScore } from '../src/app/bench/score-file.ts';
import { defineCommand } from '../src/chat/command.ts';
import type { CommandContext } from '../src/chat/context.ts';
import { errorReply, type Reply } from '../src/chat/reply.ts';
import { graderNames, parseGrader } from '../src/domain/bench/graders.ts';
import { benchRetrieval } from './bench-retrieval.ts';

const choices = (values: readonly string[]) => values.map((v) => ({ name: v, value: v }));

/**
 * /bench: score an attached CSV/XLSX that already holds predictions, or run its prompts through 1-4 models.
 * Slack cannot attach files to slash commands: its adapter offers a modal with a file input instead.
 */
export const benchCommand = defineCommand({
  name: 'bench',
  description: 'Score predictions in a CSV/XLSX file, or run its prompts through models',
  visibility: 'public',
  keepsResult: true,
  options: {
    file: {
      type: 'attachment',
      description: 'CSV, TSV or XLSX with a header row',
      extensions: ['csv', 'tsv', 'txt', 'xlsx'],
    },
    expected_file: {
      type: 'attachment',
      description: 'Expected values in a second file, paired with the rows of `file` by position',
      required: false,
      extensions: ['csv', 'tsv', 'txt', 'xlsx'],
    },
    mode: {
      type: 'string',
      description:
        'score (predictions), run (prompts through models), retrieval (question,expected_source vs the knowledge base)',
      required: false,
      choices: choices(['score', 'run', 'retrieval']),
    },
    prediction: {
      type: 'string',
      description: 'Column with the predictions (found by content and name when absent)',
      required: false,
      maxLength: 200,
    },
    expected: {
      type: 'string',
      description: 'Column with the expected values (found by content and name when absent)',
      required: false,
      maxLength: 200,
    },
    labels: {
      type: 'string',
      description: 'Label mapping, e.g. pos=1|positive,neg=0|negative',
      required: false,
      maxLength: 1000,
    },
    normalize: {
      type: 'boolean',
      description: 'Ignore case, extra spaces and punctuation (default true)',
      required: false,
    },
    grader: {
      type: 'string',
      description: 'How answers are judged (default normalized)',
      required: false,
      choices: choices(graderNames),
    },
    tolerance: {
      type: 'string',
      description: 'numeric grader: 0.01 (absolute) or 2% (relative)',
      required: false,
      maxLength: 20,
    },
    sheet: {
      type: 'string',
      description: 'XLSX: sheet name or number (first sheet when absent)',
      required: false,
      maxLength: 100,
    },
    models: { type: 'string', description: 'run: 1 to 4 models, comma separated', required: false, maxLength: 300 },
    prompt: {
      type: 'string',
      description: 'run: column with the prompts (found by name when absent)',
      required: false,
      maxLength: 200,
    },
    template: {
      type: 'string',
      description: 'run: prompt template with {column} placeholders',
      required: false,
      maxLength: 4000,
    },
    judge: {
      type: 'string',
      description: 'judge grader: the model that grades answers',
      required: false,
      maxLength: 100,
    },
    repeat: {
      type: 'integer',
      description: `run: ask each row 1-${MAX_REPEAT} times to find flaky rows (pass^N)`,
      required: false,
      min: 1,
      max: MAX_REPEAT,
    },
    fresh: {
      type: 'boolean',
      description: 'run: ask every prompt again instead of reusing answers from an earlier run',
      required: false,
    },
  },
  async run(ctx, v): Promise<Reply> {
    // A promptfoo test file (`__expected` columns) runs as it is: its assertions, with the default model.
    const promptfoo =
      v.mode === undefined && v.models === undefined && v.expected_file === undefined
        ? await isPromptfooFile(ctx.deps.bench, v.file, v.sheet, ctx.signal)
        : false;
    const mode = v.mode ?? (v.models === undefined && !promptfoo ? 'score' : 'run');
    if (mode === 'retrieval') return benchRetrieval(ctx, v.file, pick(v, ['models', 'judge']));
    const models = v.models ?? (promptfoo ? ctx.deps.bench.catalog.defaultModel.id : undefined);
    const grader = parseGrader(v.grader ?? (v.normalize === false ? 'exact' : 'normalized'), v.tolerance, v.judge);
    if (!grader.ok) return errorReply(grader.error);
    if (mode === 'run') {
      const refused = awsRefusal(ctx.deps);
      if (refused) return errorReply(refused);
      if (v.expected_file !== undefined) {
        return errorReply({
          code: 'bench.expected_file_in_run',
          message: 'A separate expected file works in score mode only.',
          hint: 'For run mode, put the prompts and expected values in one file.',
        });
      }
      if (models === undefined) {
        return errorReply({
          code: 'bench.bad_models',
          message: 'Run mode needs the models to run.',
          hint: 'Add `models:` with 1 to 4 model names, comma separated.',
        });
      }
      // Large files go to a Bedrock batch job when it is set up (BENCH_BATCH_*); the reply says which path ran.
      const run = await runBenchOnBestPath(
        ctx.deps.bench,
        {
          file: v.file,
          models: models.split(','),
          grader: grader.value,
          ...pick(v, ['prompt', 'template', 'expected', 'sheet', 'repeat', 'fresh']),
        },
        hooks(ctx, `Running ${v.file.name}`),
      );
      if (!run.ok) return errorReply(run.error);
      const reply = await runReply(ctx.deps.bench, run.value, (error) =>
        ctx.log.warn({ err: error }, 'bench chart failed'),
      );
      if (!promptfoo || v.models !== undefined || reply.kind !== 'composite') return reply;
      const note = `promptfoo test file: its assertions ran with the default model \`${models}\`. Add \`models:\` to compare up to 4.`;
      return { ...reply, parts: [{ kind: 'text', text: note }, ...reply.parts] };
    }
    if (grader.value.type === 'judge') {
      return errorReply({
        code: 'bench.judge_needs_run',
        message: 'The judge grader grades model answers, so it needs run mode.',
        hint: 'Add `mode:run models:<model>`, or pick another grader for score mode.',
      });
    }
    const result = await runScore(
      ctx.deps.bench,
      {
        file: v.file,
        ...(v.expected_file === undefined ? {} : { expectedFile: v.expected_file }),
        normalize: v.normalize ?? true,
        grader: grader.value,
        ...pick(v, ['prediction', 'expected', 'labels', 'sheet']),
      },
      hooks(ctx, `Scoring ${v.file.name}`),
    );
    if (!result.ok) return errorReply(result.error);
    return scoreReply(ctx.deps.bench, result.value, (error) => ctx.log.warn({ err: error }, 'bench chart failed'));
  },
});

function hooks(ctx: CommandContext, title: string) {
  return {
    signal: ctx.signal,
    onProgress: (p: Parameters<typeof progressReply>[1]) =>
      ctx.reply.progress(progressReply(title, p), { cancellable: true }),
  };
}

function pick<T extends object, K extends keyof T>(
  values: T,
  keys: readonly K[],
): { [P in K]?: Exclude<T[P], undefined> } {
  const out: { [P in K]?: Exclude<T[P], undefined> } = {};
  for (const key of keys) if (values[key] !== undefined) out[key] = values[key] as Exclude<T[K], undefined>;
  return out;
}
