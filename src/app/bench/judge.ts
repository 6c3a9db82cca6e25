import { callModel } from './call-model.ts';
import type { BenchDeps } from './deps.ts';
import type { ModelTally } from './run-report.ts';

/**
 * Model-as-judge: asks the judge model whether an answer means the same as the expected one. Judge calls go
 * through the judge model's own adaptive limiter (promptfoo #1508: ungoverned grader calls get throttled).
 */
export async function judge(
  deps: BenchDeps,
  judgeTally: ModelTally,
  question: string,
  expected: string,
  answer: string,
  signal: AbortSignal,
): Promise<'correct' | 'wrong' | 'ungradable'> {
  const prompt = [
    'You grade answers. Compare the given answer with the expected answer to the question.',
    `<question>${question}</question>`,
    `<expected>${expected}</expected>`,
    `<answer>${answer}</answer>`,
    'Reply with one word: PASS if the answer means the same as the expected answer, otherwise FAIL.',
  ].join('\n');
  const result = await callModel(deps, judgeTally.limiter, judgeTally.model, prompt, signal);
  if (!result.ok) return 'ungradable';
  judgeTally.call(result);
  judgeTally.cells++;
  const verdict = /\b(PASS|FAIL)\b/i.exec(result.text)?.[1]?.toUpperCase();
  return verdict === 'PASS' ? 'correct' : verdict === 'FAIL' ? 'wrong' : 'ungradable';
}
