import {
  type CaseResult,
  caseLabel,
  type RetrievalCase,
  type RetrievalScore,
  rankOf,
  scoreRetrieval,
} from '../../domain/knowledge/retrieval-metrics.ts';
import { appError, err, ok, type Result } from '../../domain/result.ts';
import type { FileSource } from '../../ports/file-source.ts';
import type { KnowledgeSearch } from '../../ports/knowledge.ts';
import type { TableSource } from '../../ports/table-source.ts';

export interface EvalCase extends RetrievalCase {
  /** When the file has an expected answer column: what a correct answer says (for the judge). */
  readonly expectedAnswer?: string;
}

const QUESTION = ['question', 'query', 'prompt'];
const SOURCE = ['expected_source', 'source', 'expected_document'];
const ANSWER = ['expected_answer', 'answer', 'expected'];

/** The evaluation CSV/XLSX: `question,expected_source[,expected_answer]`; at most `maxRows` rows. */
export async function readEvalCases(
  tables: TableSource,
  file: FileSource,
  limits: { maxBytes: number; maxRows: number },
  signal?: AbortSignal,
): Promise<Result<EvalCase[]>> {
  const cases: EvalCase[] = [];
  let columns: { q: number; s: number; a: number } | undefined;
  for await (const event of tables.read(file, { maxBytes: limits.maxBytes }, signal)) {
    if (event.type === 'error') return err(event.error);
    if (event.type === 'header') {
      const find = (names: string[]) => event.columns.findIndex((c) => names.includes(c.trim().toLowerCase()));
      columns = { q: find(QUESTION), s: find(SOURCE), a: find(ANSWER) };
      if (columns.q < 0 || columns.s < 0) {
        return err(
          appError(
            'bench.missing_column',
            `A retrieval evaluation needs the columns question and expected_source; the file has ${event.columns.join(', ')}.`,
            'expected_source is a document name (menu.md) or a document and its section (menu.md#Lasagne).',
          ),
        );
      }
    }
    if (event.type === 'rows' && columns) {
      for (const row of event.rows) {
        const question = row.cells[columns.q]?.trim() ?? '';
        const expectedSource = row.cells[columns.s]?.trim() ?? '';
        if (question === '' || expectedSource === '') continue;
        const expectedAnswer = columns.a < 0 ? '' : (row.cells[columns.a]?.trim() ?? '');
        cases.push({ question, expectedSource, ...(expectedAnswer === '' ? {} : { expectedAnswer }) });
        if (cases.length > limits.maxRows) {
          return err(
            appError(
              'bench.too_many_rows',
              `The evaluation has more than ${limits.maxRows} questions.`,
              'Split it into smaller files.',
            ),
          );
        }
      }
    }
  }
  if (cases.length === 0)
    return err(appError('bench.no_rows', 'The evaluation file has no question with an expected source.'));
  return ok(cases);
}

export interface RetrievalEvaluation {
  readonly score: RetrievalScore;
  readonly results: readonly CaseResult[];
  /** Mean search time per question, milliseconds. */
  readonly meanMs: number;
}

/** Searches every question (top `depth`) and scores recall@k and MRR against the expected sources. */
export async function evaluateRetrieval(
  search: KnowledgeSearch,
  cases: readonly RetrievalCase[],
  options: { k: number; depth?: number; clock: () => number; signal?: AbortSignal },
): Promise<Result<RetrievalEvaluation>> {
  const results: CaseResult[] = [];
  const started = options.clock();
  for (const c of cases) {
    if (options.signal?.aborted) return err(appError('bench.cancelled', 'The evaluation was cancelled.'));
    const hits = await search.search(
      { text: c.question, limit: options.depth ?? Math.max(10, options.k) },
      options.signal,
    );
    if (!hits.ok) return hits;
    results.push({
      question: c.question,
      expectedSource: c.expectedSource,
      rank: rankOf(c.expectedSource, hits.value),
      topSources: hits.value.slice(0, options.k).map(caseLabel),
    });
  }
  const meanMs = cases.length === 0 ? 0 : (options.clock() - started) / cases.length;
  return ok({ score: scoreRetrieval(results, options.k), results, meanMs });
}
