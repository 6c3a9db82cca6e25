import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_ASL_URL, taskStates } from '../../src/workflows/definition.ts';
import { isTaskName } from '../../src/workflows/tasks.ts';
import { type OrderStack, startOrderStack } from '../support/order-stack.ts';

const text = readFileSync(ORDER_ASL_URL, 'utf8');
const definition = JSON.parse(text);

describe('order.asl.json', () => {
  let stack: OrderStack;
  beforeAll(async () => {
    stack = await startOrderStack();
  });
  afterAll(async () => {
    await stack.close();
  });

  it('binds a local handler to every Task state, each naming a known task', () => {
    const tasks = taskStates(definition);
    expect(tasks.length).toBeGreaterThan(10);
    for (const t of tasks) {
      expect(stack.workflow.handlers[t.state], `no local handler for Task ${t.state}`).toBeTypeOf('function');
      expect(isTaskName(t.task), `Task ${t.state} names unknown task ${String(t.task)}`).toBe(true);
    }
  });

  it('gives every Task an explicit timeout, and callbacks a heartbeat', () => {
    for (const t of taskStates(definition)) {
      expect(t.timeoutSeconds, t.state).toBeGreaterThan(0);
      if (t.waitsForToken) expect(definition.States[t.state].HeartbeatSeconds, t.state).toBeGreaterThan(0);
    }
  });

  it('uses JSONPath only (the local runner ignores JSONata)', () => {
    for (const banned of ['QueryLanguage', '"Arguments"', '"Output"', '"Assign"', '{%']) {
      expect(text.includes(banned), banned).toBe(false);
    }
  });

  it('catches every Task: into compensation, or (compensation itself, the delivered step) into needs-attention', () => {
    const compensation = new Set(['RefundPayment', 'ReleaseStock', 'MarkRefunded', 'MarkNeedsAttention']);
    for (const t of taskStates(definition)) {
      const catches = (definition.States[t.state].Catch ?? []) as { ErrorEquals: string[]; Next: string }[];
      const all = catches.find((c) => c.ErrorEquals.includes('States.ALL'));
      expect(all, `${t.state} has no Catch States.ALL`).toBeDefined();
      const next = definition.States[all?.Next ?? ''];
      if (compensation.has(t.state) || t.state === 'MarkDelivered') {
        expect(all?.Next, t.state).toMatch(/NeedsAttention/);
      } else {
        // A Pass records the failed step (the DM names it), then the compensation starts.
        expect(next.Type, t.state).toBe('Pass');
        expect(next.Result, t.state).toBe(t.state);
        expect(next.Next, t.state).toBe('RefundPayment');
      }
    }
    expect(definition.States.ChargePayment.Retry[0].ErrorEquals).toContain('Transient');
  });

  it('writes each courier status and waits for the next step in one callback state; delivered is a plain task', () => {
    const byState = new Map(taskStates(definition).map((t) => [t.state, t]));
    const chain = [
      ['ConfirmOrder', 'confirmed', 'MarkPreparing'],
      ['MarkPreparing', 'preparing', 'MarkOutForDelivery'],
      ['MarkOutForDelivery', 'out_for_delivery', 'MarkDelivered'],
    ] as const;
    for (const [state, status, next] of chain) {
      const s = definition.States[state];
      expect(byState.get(state)?.waitsForToken, state).toBe(true);
      expect(s.Parameters.Payload).toMatchObject({ task: 'advanceAndAwait', status, 'token.$': '$$.Task.Token' });
      expect(s.TimeoutSeconds, state).toBe(7200);
      expect(s.HeartbeatSeconds, state).toBe(3600);
      expect(s.Next, state).toBe(next);
    }
    expect(definition.States.CapturePayment.Next).toBe('ConfirmOrder');
    expect(byState.get('MarkDelivered')?.waitsForToken).toBe(false);
    expect(Object.keys(definition.States).filter((name) => name.startsWith('Await'))).toEqual([]);
  });

  it('holds stock only after the payment is authorized', () => {
    expect(definition.States.ChargePayment.Next).toBe('ReserveStock');
    expect(definition.States.ReserveStock.Next).toBe('IsAvailable');
    expect(definition.States.IsAvailable.Default).toBe('VoidAuthorization');
  });
});
