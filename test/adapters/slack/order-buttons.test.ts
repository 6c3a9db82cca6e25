import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderCommand } from '../../../commands/order.ts';
import { userId } from '../../../src/domain/ids.ts';
import { aDeps } from '../../support/command-context.ts';
import { aProduct, type OrderStack, startOrderStack } from '../../support/order-stack.ts';
import { type Harness, interactionBody, postSigned, slashBody, startHarness } from './harness.ts';

const ORDER = 'product:margherita quantity:1 address:"10001 Old Town" payment:tok_ok';
type Button = { type: string; action_id: string; text: { text: string } };

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('Slack: the "Same order again?" buttons', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  let h: Harness;
  let presses = 0;

  beforeAll(async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 100 })] });
    const orders = { ...stack.orders, repeatWindowMs: 120_000 };
    h = await startHarness([orderCommand], { deps: aDeps({ orders }) });
  });
  afterAll(async () => {
    await h.close();
    await stack.close();
  });

  /** Runs /order and answers the response_url body it produced. */
  async function order(user: string): Promise<Record<string, unknown>> {
    const body = slashBody(h.fake, 'order', ORDER, user);
    const id = new URLSearchParams(body).get('response_url')?.split('/').at(-1) ?? '';
    expect((await postSigned(h.eventsUrl, body)).status).toBe(200);
    return (await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === id), `the answer of ${id}`)).body;
  }

  /** Presses a button as `user`; answers what came back through the click's response_url. */
  async function press(user: string, actionId: string): Promise<Record<string, unknown>> {
    presses += 1;
    const id = `press-${presses}`;
    const payload = {
      type: 'block_actions',
      team: { id: 'T1' },
      user: { id: user, team_id: 'T1', name: user },
      channel: { id: 'C1' },
      api_app_id: 'A1',
      trigger_id: `trigger-${id}`,
      response_url: `${h.fake.url}/respond/${id}`,
      container: { type: 'message', is_ephemeral: true },
      actions: [{ type: 'button', action_id: actionId, value: 'x', action_ts: '1' }],
    };
    expect((await postSigned(h.eventsUrl, interactionBody(payload))).status).toBe(200);
    return (await h.fake.waitFor(() => h.fake.responses.find((r) => r.id === id), `the answer to ${id}`)).body;
  }

  const buttonsOf = (body: Record<string, unknown>): Button[] =>
    ((body.blocks ?? []) as { type: string; elements?: Button[] }[]).find((b) => b.type === 'actions')?.elements ?? [];

  it('asks with two buttons; a stranger is told privately; a double click places one second order', async () => {
    expect(JSON.stringify(await order('U1'))).toContain('Order received');
    const question = await order('U1');
    expect(JSON.stringify(question)).toContain('Same order again?');
    const [again, keep] = buttonsOf(question);
    expect([again?.text.text, keep?.text.text]).toEqual(['Place it again', 'Keep the first']);

    const stranger = await press('U2', again?.action_id ?? '');
    expect(stranger).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(stranger)).toMatch(/not your order/);

    const [a, b] = await Promise.all([press('U1', again?.action_id ?? ''), press('U1', again?.action_id ?? '')]);
    for (const answer of [a, b]) {
      expect(answer).toMatchObject({ replace_original: true });
      expect(JSON.stringify(answer)).toContain('Order received');
      expect(buttonsOf(answer)).toEqual([]);
    }
    const orders = await stack.store.listByUser(userId('slack', 'T1/U1'), 10);
    expect(orders).toHaveLength(2);
    expect(await stack.store.listByUser(userId('slack', 'T1/U2'), 10)).toHaveLength(0);
  });

  it('"Keep the first" replaces the question and places nothing', async () => {
    await order('U3');
    const [, keep] = buttonsOf(await order('U3'));
    const kept = await press('U3', keep?.action_id ?? '');
    expect(kept).toMatchObject({ replace_original: true });
    expect(JSON.stringify(kept)).toMatch(/Kept your first order/);
    expect(await stack.store.listByUser(userId('slack', 'T1/U3'), 10)).toHaveLength(1);
  });
});
