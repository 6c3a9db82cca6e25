import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlaygroundSurface } from '../../../adapters/web/playground-surface.ts';
import type { ActionJson, ServerMessage } from '../../../adapters/web/protocol.ts';
import { orderCommand } from '../../../commands/order.ts';
import type { Core } from '../../../src/chat/surface.ts';
import { userId } from '../../../src/domain/ids.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { aDeps } from '../../support/command-context.ts';
import { aProduct, type OrderStack, startOrderStack } from '../../support/order-stack.ts';
import { TestClient } from './ws-client.ts';

type Answer = Extract<ServerMessage, { type: 'action' }>;
const ORDER = 'product:margherita quantity:1 address:"10001 Old Town" payment:tok_ok';

// Generous: the machine is shared and slow; nothing here asserts on time.
describe('Playground: the "Same order again?" buttons', { timeout: 120_000 }, () => {
  let stack: OrderStack;
  let surface: PlaygroundSurface;
  const clients: TestClient[] = [];
  let ids = 0;

  beforeAll(async () => {
    stack = await startOrderStack({ products: [aProduct({ stock: 100 })] });
    const orders = { ...stack.orders, repeatWindowMs: 120_000 };
    const core: Core = { commands: [orderCommand], messageHandlers: [], deps: aDeps({ orders }), log: silentLogger };
    surface = new PlaygroundSurface({ core, port: 0, editIntervalMs: 20 });
    await surface.start();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await surface.stop();
    await stack.close();
  });

  const tab = async (name: string) => {
    const client = await TestClient.as(surface.url, name);
    clients.push(client);
    return client;
  };
  async function order(client: TestClient) {
    const id = `o${++ids}`;
    client.send({ type: 'command', id, name: 'order', text: ORDER });
    return (await client.final(id)).reply;
  }
  async function click(client: TestClient, key: string): Promise<Answer> {
    const id = `a${++ids}`;
    client.send({ type: 'action', id, key });
    return client.waitFor((m): m is Answer => m.type === 'action' && m.id === id, `the answer to ${id}`);
  }

  it('asks with two buttons; another user is refused; a double click places exactly one second order', async () => {
    const alice = await tab('alice');
    expect(JSON.stringify(await order(alice))).toContain('Order received');
    const question = await order(alice);
    expect(question).toMatchObject({ kind: 'text', title: 'Same order again?' });
    const actions: readonly ActionJson[] = question.kind === 'text' ? (question.actions ?? []) : [];
    expect(actions.map((a) => a.label)).toEqual(['Place it again', 'Keep the first']);
    const again = actions[0]?.key ?? '';

    // Bob cannot see Alice's tab, but a forged click with her key is still checked.
    const bob = await tab('bob');
    const refused = await click(bob, again);
    expect(refused.to).toBe('clicker');
    expect(JSON.stringify(refused.reply)).toMatch(/not your order/);

    const [a, b] = await Promise.all([click(alice, again), click(alice, again)]);
    for (const answer of [a, b]) {
      expect(answer.to).toBe('message');
      expect(answer.reply).toMatchObject({ kind: 'text', title: 'Order received' });
    }
    expect(await stack.store.listByUser(userId('web', 'alice'), 10)).toHaveLength(2);
    expect(await stack.store.listByUser(userId('web', 'bob'), 10)).toHaveLength(0);
  });

  it('refuses a malformed click without running anything', async () => {
    const carol = await tab('carol');
    const answer = await click(carol, 'do:order.again:../../etc');
    expect(answer.to).toBe('clicker');
    expect(answer.reply.kind).toBe('error');
  });
});
