import { evaluateRetrieval, readEvalCases } from '../src/app/knowledge/evaluate-retrieval.ts';
import { type JudgeTally, judgeGroundedAnswers } from '../src/app/knowledge/judge-answers.ts';
import type { CommandContext } from '../src/chat/context.ts';
import { errorReply, type Reply, text } from '../src/chat/reply.ts';
import type { ModelId } from '../src/domain/ids.ts';
import { scoreRetrieval } from '../src/domain/knowledge/retrieval-metrics.ts';
import type { FileSource } from '../src/ports/file-source.ts';

/** Most questions a retrieval evaluation reads. */
const MAX_CASES = 5000;

/**
 * `/bench mode:retrieval`: a CSV of question,expected_source[,expected_answer] against the knowledge base: recall@1/3/5
 * and MRR, the misses; with `models` (the answering model) and an expected_answer column, answer correctness by a judge.
 */
export async function benchRetrieval(
  ctx: CommandContext,
  file: FileSource,
  options: { readonly models?: string; readonly judge?: string },
): Promise<Reply> {
  const { bench, knowledge } = ctx.deps;
  ctx.reply.progress(text(`_Reading ${file.name}…_`));
  const cases = await readEvalCases(
    bench.tables,
    file,
    { maxBytes: bench.limits.maxBytes, maxRows: MAX_CASES },
    ctx.signal,
  );
  if (!cases.ok) return errorReply(cases.error);
  ctx.reply.progress(text(`_Searching ${cases.value.length} questions…_`), { cancellable: true });
  const evaluated = await evaluateRetrieval(knowledge.search, cases.value, {
    k: 5,
    clock: bench.clock,
    signal: ctx.signal,
  });
  if (!evaluated.ok) return errorReply(evaluated.error);
  const { results, meanMs } = evaluated.value;
  const at = (k: number) => scoreRetrieval(results, k);
  const rows = [1, 3, 5].map((k) => [`recall@${k}`, at(k).recallAtK.toFixed(3)]);
  rows.push(
    ['MRR', at(5).mrr.toFixed(3)],
    ['questions', String(results.length)],
    ['mean search', `${meanMs.toFixed(2)} ms`],
  );
  let judged: JudgeTally | undefined;
  const answerModel = options.models?.split(',')[0]?.trim();
  if (answerModel) {
    const answer = bench.catalog.get(answerModel);
    const judge = bench.catalog.get(options.judge ?? answerModel);
    if (!answer || !judge) {
      return errorReply({
        code: 'bench.unknown_model',
        message: `Unknown model ${answer ? options.judge : answerModel}.`,
        hint: 'Pick a model from /ask model:.',
      });
    }
    ctx.reply.progress(text('_Answering and judging…_'), { cancellable: true });
    judged = await judgeGroundedAnswers(
      { textModel: bench.textModel, knowledge },
      { answer: answer.id as ModelId, judge: judge.id as ModelId },
      cases.value,
      ctx.signal,
    );
    const share =
      judged.graded === 0
        ? 'no expected_answer column'
        : `${judged.correct}/${judged.graded} (${judged.wrong} wrong, ${judged.ungradable} ungradable)`;
    rows.push(['answers correct (judge)', share]);
  }
  const misses = at(5).misses.slice(0, 10);
  return {
    kind: 'composite',
    parts: [
      {
        kind: 'table',
        title: `Retrieval: ${file.name}`,
        columns: ['Measure', 'Value'],
        rows,
        footer: knowledge.description,
      },
      ...(misses.length === 0
        ? []
        : [
            {
              kind: 'table' as const,
              title: 'Missed in the top 5',
              columns: ['Question', 'Expected', 'Found first'],
              rows: misses.map((m) => [m.question, m.expectedSource, m.topSources[0] ?? '(nothing)']),
            },
          ]),
    ],
  };
}
