import { afterEach, describe, expect, it } from 'vitest';
import type { EditBudgetClock } from '../../../adapters/slack/workspace-edit-budget.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import { blockText, type Harness, postSigned, slashBody, startHarness } from './harness.ts';

/** The budget's time, moved by the test: a simulated minute of Slack limits takes as long as its HTTP calls. */
class ManualClock implements EditBudgetClock {
  #now = 0;
  readonly #timers = new Set<{ readonly due: number; readonly fire: () => void }>();

  now(): number {
    return this.#now;
  }

  after(ms: number, fire: () => void): () => void {
    const timer = { due: this.#now + ms, fire };
    this.#timers.add(timer);
    return () => this.#timers.delete(timer);
  }

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    this.#now += ms;
    for (const timer of [...this.#timers].sort((a, b) => a.due - b.due)) {
      if (timer.due <= this.#now && this.#timers.delete(timer)) timer.fire();
    }
  }

  /** Jumps to the next timer and fires it. */
  runNext(): void {
    const next = Math.min(...[...this.#timers].map((t) => t.due));
    if (!Number.isFinite(next)) throw new Error('no timer pending');
    this.advance(next - this.#now);
  }
}

/** Streams progress every few ms until released: an answer that never stops producing tokens. */
const releases = new Map<string, () => void>();
const stream = defineCommand({
  name: 'stream',
  description: 'Streams until released',
  visibility: 'public',
  options: { id: { type: 'string', description: 'Which answer' } },
  async run(ctx, { id }) {
    let released = false;
    releases.set(id, () => {
      released = true;
    });
    for (let i = 1; !released && !ctx.signal.aborted; i++) {
      ctx.reply.progress(text(`${id} tick ${i}`));
      await new Promise((r) => setTimeout(r, 2));
    }
    return text(`${id} final`);
  },
});

const quick = defineCommand({
  name: 'quick',
  description: 'Answers at once',
  visibility: 'public',
  options: {},
  run: async () => text('quick final'),
});

const updates = (h: Harness) => h.fake.callsTo('chat.update');
const updatesOf = (h: Harness, id: string) => updates(h).filter((c) => blockText(c.args).includes(`${id} `));
const start = (h: Harness, id: string, team = 'T1') =>
  postSigned(h.eventsUrl, slashBody(h.fake, 'stream', `id:${id}`, 'U1', team));
const release = (id: string) => releases.get(id)?.();

/** Every answer ends with its final text, as the last edit of its one message. */
async function expectFinals(h: Harness, ids: readonly string[]) {
  for (const id of ids) {
    await h.fake.waitFor(() => blockText(updatesOf(h, id).at(-1)?.args ?? {}).includes(`${id} final`), `${id} final`);
    expect(new Set(updatesOf(h, id).map((c) => c.args.ts)).size).toBe(1);
  }
}

describe('Slack streaming answers share one chat.update budget per workspace', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    for (const id of releases.keys()) release(id);
    releases.clear();
    await h?.close();
    h = undefined;
  });

  it('keeps three concurrent answers within Tier 3 per simulated minute, and finals go out at once', async () => {
    const clock = new ManualClock();
    const harness = await startHarness([stream], { editIntervalMs: 1, editBudget: { clock } });
    h = harness;
    const ids = ['a', 'b', 'c'];
    for (const id of ids) await start(harness, id);
    // The burst goes at simulated time 0; then all three wait, and without time passing nothing else can go.
    await harness.fake.waitFor(() => updates(harness).length === 5 && clock.pending === 1, 'the burst');
    const at: number[] = updates(harness).map(() => clock.now());
    while (clock.now() < 120_000) {
      clock.runNext();
      await harness.fake.waitFor(() => updates(harness).length === at.length + 1, 'one granted edit');
      at.push(clock.now());
    }
    const perMinute = (from: number) => at.filter((t) => t >= from && t < from + 60_000).length;
    const windows = at.map(perMinute);
    expect(Math.max(...windows)).toBeLessThanOrEqual(50);
    // Not starved either: the steady state is the budget's 45 a minute.
    expect(perMinute(60_000)).toBeGreaterThanOrEqual(44);
    for (const id of ids) expect(updatesOf(harness, id).length).toBeGreaterThanOrEqual(20);

    // The budget is spent and progress is queued, yet the finals need no simulated time at all.
    for (const id of ids) release(id);
    await expectFinals(harness, ids);
    expect(clock.pending).toBe(0);
  });

  it('gives each workspace its own budget', async () => {
    const clock = new ManualClock();
    const harness = await startHarness([stream], { editIntervalMs: 1, editBudget: { clock } });
    h = harness;
    await start(harness, 'one', 'T1');
    await start(harness, 'two', 'T2');
    // A shared budget would let only 5 progress edits go in all before time passes.
    await harness.fake.waitFor(
      () => updatesOf(harness, 'one').length === 5 && updatesOf(harness, 'two').length === 5 && clock.pending === 2,
      'a burst in each workspace',
    );
    release('one');
    release('two');
    await expectFinals(harness, ['one', 'two']);
    expect(clock.pending).toBe(0);
  });

  it('drops a rate-limited progress edit at once and holds progress off until Retry-After', async () => {
    const clock = new ManualClock();
    const harness = await startHarness([stream], { editIntervalMs: 1, editBudget: { clock } });
    h = harness;
    harness.fake.rateLimit('chat.update', 30);
    await start(harness, 'r');
    // Waiting behind Retry-After would keep the next progress edit from even queueing for 30 real seconds.
    await harness.fake.waitFor(() => updates(harness).length === 1 && clock.pending === 1, 'a queued edit');
    clock.advance(29_000);
    expect(updates(harness)).toHaveLength(1);
    clock.runNext();
    await harness.fake.waitFor(() => updates(harness).length === 2, 'the edit after Retry-After');
    expect(blockText(updates(harness)[0]?.args ?? {})).not.toEqual(blockText(updates(harness)[1]?.args ?? {}));
    release('r');
    await expectFinals(harness, ['r']);
  });

  it('keeps the client retrying a rate-limited final render', async () => {
    const harness = await startHarness([quick], { editIntervalMs: 1 });
    h = harness;
    harness.fake.rateLimit('chat.update', 0);
    await postSigned(harness.eventsUrl, slashBody(harness.fake, 'quick', ''));
    const finals = await harness.fake.waitFor(() => {
      const calls = updates(harness).filter((c) => blockText(c.args).includes('quick final'));
      return calls.length === 2 ? calls : undefined;
    }, 'the retried final');
    expect(finals[0]?.args.ts).toBe(finals[1]?.args.ts);
  });
});
