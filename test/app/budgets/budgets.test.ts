import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BudgetedTextModel } from '../../../src/app/budgets/budgeted-text-model.ts';
import type { Payer } from '../../../src/app/budgets/budgets.ts';
import type { BudgetPolicy } from '../../../src/app/budgets/policy.ts';
import { userId } from '../../../src/domain/ids.ts';
import type { TextOutcome, TextRequest } from '../../../src/ports/text-model.ts';
import { type BudgetStack, GatedTextModel, startBudgetStack } from '../../support/budget-stack.ts';
import { aCatalog, aModel } from '../../support/models.ts';

const catalog = aCatalog([aModel('a')]);
const NOW = new Date('2026-12-04T20:48:00Z');
const now = () => NOW;
/** 40 characters: an estimated 12 input tokens; with 100 output tokens a call holds 112 tokens at worst. */
const request: TextRequest = {
  model: 'a' as TextRequest['model'],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'x'.repeat(40) }] }],
  maxTokens: 100,
};
const WORST = 112;

const policy = (overrides: Partial<BudgetPolicy> = {}): BudgetPolicy => ({
  user: { default: { period: 'day', tokens: 1000 }, staff: { period: 'day', tokens: 100_000 } },
  server: { period: 'month' },
  ...overrides,
});

let n = 0;
const aPayer = (extra: Partial<Payer> = {}): Payer => ({
  user: userId('discord', `u${++n}`),
  isStaff: false,
  ...extra,
});

describe('budgets on the embedded store', () => {
  let stack: BudgetStack;
  beforeAll(async () => {
    stack = await startBudgetStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('under 30 concurrent calls on two replicas, spends no more than the limit plus one call, and holds nothing after', async () => {
    const budgets = stack.budgets(policy(), now);
    const payer = aPayer();
    const model = new GatedTextModel();
    // Two replicas: each its own Budgets over the one shared table.
    const replicas = [budgets, stack.budgets(policy(), now)].map(
      (b) => new BudgetedTextModel(model, b, payer, catalog),
    );
    const calls = Array.from(
      { length: 30 },
      (_, i) => (replicas[i % 2] ?? replicas[0])?.generate(request) as Promise<TextOutcome>,
    );
    // Every call that was admitted has reached the model before any of them ends.
    const outcomes: TextOutcome[] = [];
    const refused = Promise.all(calls.map((c) => c.then((o) => (o.ok ? undefined : outcomes.push(o)))));
    // Open the gate only once every call was admitted (reached the model) or refused: no settle frees room early.
    while (model.requests.length + outcomes.length < 30) await new Promise((resolve) => setTimeout(resolve, 5));
    model.open();
    await refused;
    const admitted = model.requests.length;
    const usage = await budgets.usage({ kind: 'user', user: payer.user, isStaff: false });
    expect(usage.held.tokens).toBe(0);
    expect(usage.used.tokens).toBe(admitted * 110);
    expect(usage.used.tokens).toBeLessThanOrEqual(1000 + WORST);
    expect(admitted).toBe(Math.ceil(1000 / WORST));
    expect(outcomes).toHaveLength(30 - admitted);
    for (const o of outcomes) {
      expect(o).toMatchObject({ ok: false, code: 'budget.exceeded' });
      if (!o.ok) expect(o.message).toContain('resets at 00:00 UTC on 2026-12-05 (in 3 h 12 min)');
    }
  });

  it('settles with the real use, so a cheap answer leaves room for the next', async () => {
    const budgets = stack.budgets(policy(), now);
    const payer = aPayer();
    const model = new GatedTextModel(() => ({ inputTokens: 10, outputTokens: 5 }));
    model.open();
    const metered = new BudgetedTextModel(model, budgets, payer, catalog);
    for (let i = 0; i < 40; i++) expect((await metered.generate(request)).ok).toBe(true);
    const usage = await budgets.usage({ kind: 'user', user: payer.user, isStaff: false });
    expect(usage.used.tokens).toBe(40 * 15);
    expect(usage.held.tokens).toBe(0);
  });

  it('releases the hold when the call throws', async () => {
    const budgets = stack.budgets(policy(), now);
    const payer = aPayer();
    const broken = new BudgetedTextModel(
      {
        generate: () => Promise.reject(new Error('bug')),
        countTokens: async () => undefined,
      },
      budgets,
      payer,
      catalog,
    );
    await expect(broken.generate(request)).rejects.toThrow('bug');
    const usage = await budgets.usage({ kind: 'user', user: payer.user, isStaff: false });
    expect(usage).toMatchObject({ used: { tokens: 0 }, held: { tokens: 0 } });
  });

  it('staff get their own limits; the server budget is shared by its members and says so', async () => {
    const budgets = stack.budgets(policy({ server: { period: 'month', costUsd: 0.0005 } }), now);
    const model = new GatedTextModel();
    model.open();
    const staff = new BudgetedTextModel(model, budgets, aPayer({ isStaff: true, server: 'discord:g1' }), catalog);
    // Each call costs 10 x $1/M + 100 x $2/M = $0.00021; the server admits calls while its total is below $0.0005.
    expect((await staff.generate(request)).ok).toBe(true);
    expect((await staff.generate(request)).ok).toBe(true);
    expect((await staff.generate(request)).ok).toBe(true);
    const other = new BudgetedTextModel(model, budgets, aPayer({ server: 'discord:g1' }), catalog);
    const refused = await other.generate(request);
    expect(refused).toMatchObject({ ok: false, code: 'budget.exceeded' });
    if (!refused.ok) {
      expect(refused.message).toContain('This server has used up its monthly spending budget (US$0.0006 of US$0.0005)');
      expect(refused.message).toContain('resets at 00:00 UTC on 2027-01-01');
    }
    // Another server is not affected.
    const elsewhere = new BudgetedTextModel(model, budgets, aPayer({ server: 'discord:g2' }), catalog);
    expect((await elsewhere.generate(request)).ok).toBe(true);
  });

  it('a refusal by the server holds nothing in the user budget', async () => {
    const budgets = stack.budgets(policy({ server: { period: 'day', tokens: 0 } }), now);
    const payer = aPayer({ server: 'discord:g3' });
    const held = await budgets.hold(payer, { tokens: 50, costMicros: 0, voiceSeconds: 0 });
    expect(held.ok).toBe(false);
    const usage = await budgets.usage({ kind: 'user', user: payer.user, isStaff: false });
    expect(usage.held.tokens).toBe(0);
  });

  it('a crashed call’s hold is swept once it is stale, and settling twice counts once', async () => {
    let at = NOW;
    const budgets = stack.budgets(policy(), () => at);
    const payer = aPayer();
    const crashed = await budgets.hold(payer, { tokens: 1000, costMicros: 0, voiceSeconds: 0 });
    expect(crashed.ok).toBe(true);
    expect((await budgets.hold(payer, { tokens: 10, costMicros: 0, voiceSeconds: 0 })).ok).toBe(false);
    at = new Date(NOW.getTime() + 16 * 60_000);
    const next = await budgets.hold(payer, { tokens: 10, costMicros: 0, voiceSeconds: 0 });
    if (!next.ok) throw new Error(next.error.message);
    await next.value.settle({ tokens: 7, costMicros: 0, voiceSeconds: 0 });
    await next.value.settle({ tokens: 7, costMicros: 0, voiceSeconds: 0 });
    // The swept hold's call turns up after all: what it used still counts, once.
    if (crashed.ok) await crashed.value.settle({ tokens: 30, costMicros: 0, voiceSeconds: 0 });
    const usage = await budgets.usage({ kind: 'user', user: payer.user, isStaff: false });
    expect(usage.used.tokens).toBe(37);
    expect(usage.held.tokens).toBe(0);
  });

  it('voice minutes are charged as spoken and refused once used up', async () => {
    const budgets = stack.budgets(
      policy({ user: { default: { period: 'day', voiceMinutes: 2 }, staff: { period: 'day' } } }),
      now,
    );
    const payer = aPayer();
    expect((await budgets.checkVoice(payer)).ok).toBe(true);
    expect((await budgets.chargeVoice(payer, 60)).ok).toBe(true);
    const spent = await budgets.chargeVoice(payer, 60);
    expect(spent).toMatchObject({ ok: false, error: { code: 'budget.exceeded' } });
    if (!spent.ok) expect(spent.error.message).toContain('daily voice-minute budget (2 min of 2 min)');
    expect((await budgets.checkVoice(payer)).ok).toBe(false);
  });
});
