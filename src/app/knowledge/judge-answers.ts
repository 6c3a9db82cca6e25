import type { ModelId } from '../../domain/ids.ts';
import type { TextModel } from '../../ports/text-model.ts';
import type { KnowledgeDeps } from './deps.ts';
import type { EvalCase } from './evaluate-retrieval.ts';
import { findKnowledge } from './find-knowledge.ts';
import { groundingPrompt } from './grounding-prompt.ts';

export interface JudgeTally {
  readonly graded: number;
  readonly correct: number;
  readonly wrong: number;
  /** The answer or the judge call failed, or the judge said neither PASS nor FAIL. */
  readonly ungradable: number;
}

/**
 * Answer correctness with a model: each question with an expected answer is answered from the knowledge base the
 * way `/ask kb:on` does, then a judge model says whether the answer means the same as the expected one.
 */
export async function judgeGroundedAnswers(
  deps: { readonly textModel: TextModel; readonly knowledge: KnowledgeDeps },
  models: { readonly answer: ModelId; readonly judge: ModelId },
  cases: readonly EvalCase[],
  signal?: AbortSignal,
): Promise<JudgeTally> {
  const tally = { graded: 0, correct: 0, wrong: 0, ungradable: 0 };
  for (const c of cases) {
    if (c.expectedAnswer === undefined || signal?.aborted) continue;
    tally.graded++;
    const grounding = await findKnowledge(deps.knowledge, { question: c.question }, signal);
    if (!grounding.ok) {
      tally.ungradable++;
      continue;
    }
    const answer = await deps.textModel.generate(
      {
        model: models.answer,
        system: groundingPrompt(grounding.value),
        messages: [{ role: 'user', content: [{ type: 'text', text: c.question }] }],
        maxTokens: 300,
        temperature: 0,
      },
      { signal },
    );
    if (!answer.ok) {
      tally.ungradable++;
      continue;
    }
    const verdict = await deps.textModel.generate(
      {
        model: models.judge,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'text',
                text: [
                  'You grade answers. Compare the given answer with the expected answer to the question.',
                  `<question>${c.question}</question>`,
                  `<expected>${c.expectedAnswer}</expected>`,
                  `<answer>${answer.text}</answer>`,
                  'Reply with one word: PASS if the answer agrees with the expected answer, otherwise FAIL.',
                ].join('\n'),
              },
            ],
          },
        ],
        maxTokens: 5,
        temperature: 0,
      },
      { signal },
    );
    const word = verdict.ok ? /\b(PASS|FAIL)\b/i.exec(verdict.text)?.[1]?.toUpperCase() : undefined;
    if (word === 'PASS') tally.correct++;
    else if (word === 'FAIL') tally.wrong++;
    else tally.ungradable++;
  }
  return tally;
}
