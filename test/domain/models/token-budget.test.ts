import { describe, expect, it } from 'vitest';
import type { ConversationTurn } from '../../../src/domain/models/conversation.ts';
import { estimateTokens, planBudget } from '../../../src/domain/models/token-budget.ts';
import { aModel } from '../../support/models.ts';

const small = aModel('small', { contextWindow: 1_000, maxOutputTokens: 200 });
const words = (tokens: number) => 'abcd'.repeat(tokens); // ~tokens tokens by chars/4

const history = (pairs: number, tokensEach: number): ConversationTurn[] =>
  Array.from({ length: pairs }, (_, i) => [
    { role: 'user' as const, text: `${i}${words(tokensEach)}` },
    { role: 'assistant' as const, text: `${i}${words(tokensEach)}` },
  ]).flat();

describe('token budget', () => {
  it('estimates chars/4 with the model factor and a margin', () => {
    expect(estimateTokens(words(100), small)).toBe(115);
    expect(estimateTokens(words(100), aModel('c5', { tokenEstimateFactor: 1.3 }))).toBe(150);
  });

  it('keeps everything when it fits, reserving output up to the model max', () => {
    const plan = planBudget({ model: small, history: history(2, 50), prompt: 'hi' });
    expect(plan).toMatchObject({ ok: true, value: { droppedTurns: 0, maxOutputTokens: 200, exact: false } });
  });

  it('trims the oldest turns and restarts on a user turn', () => {
    const turns = history(6, 100); // 12 turns of ~119 tokens each
    const plan = planBudget({ model: small, history: turns, prompt: 'next question' });
    if (!plan.ok) throw new Error(plan.error.message);
    expect(plan.value.droppedTurns).toBeGreaterThan(0);
    expect(plan.value.droppedTurns % 2).toBe(0);
    expect(plan.value.history[0]?.role).toBe('user');
    expect(plan.value.history.at(-1)).toEqual(turns.at(-1));
    expect(plan.value.inputTokens).toBeLessThanOrEqual(800);
  });

  it('refuses a prompt that cannot fit, with the numbers and a way out', () => {
    const plan = planBudget({ model: small, history: [], prompt: words(900) });
    expect(plan).toMatchObject({ ok: false, error: { code: 'ask.prompt_too_long' } });
    expect(!plan.ok && plan.error.message).toContain('Model small takes at most 800 input tokens');
    expect(!plan.ok && plan.error.hint).toMatch(/larger context/);
  });

  it('trusts an exact count that fits, and scales the estimate by one that does not', () => {
    const fits = planBudget({ model: small, history: history(1, 10), prompt: 'q', countedInputTokens: 700 });
    expect(fits).toMatchObject({ ok: true, value: { exact: true, inputTokens: 700, droppedTurns: 0 } });
    // The estimate says everything fits, but the model counted twice as many: trimming must follow the count.
    const turns = history(3, 60);
    const over = planBudget({ model: small, history: turns, prompt: words(60), countedInputTokens: 1_200 });
    if (!over.ok) throw new Error(over.error.message);
    expect(over.value.droppedTurns).toBeGreaterThan(0);
    expect(over.value.inputTokens).toBeLessThanOrEqual(800);
  });
});
