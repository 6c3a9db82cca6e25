import { afterEach, describe, expect, it, vi } from 'vitest';
import { CourierHeartbeats } from '../../../adapters/aws/courier-heartbeats.ts';
import type { Order } from '../../../src/domain/orders/order.ts';
import { RecordingLogger } from '../../support/command-context.ts';

const waitingOrder = (id: string, token?: string) =>
  ({ id, status: 'confirmed', ...(token ? { awaiting: { stage: 'preparing', token } } : {}) }) as unknown as Order;

describe('CourierHeartbeats', () => {
  afterEach(() => vi.useRealTimers());

  it('beats each waiting token on an interval, never two passes at once, and stops cleanly', async () => {
    vi.useFakeTimers();
    const beaten: string[] = [];
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = {
      listUnfinished: async () => [waitingOrder('o1', 't1'), waitingOrder('o2'), waitingOrder('o3', 't3')],
    };
    const target = {
      heartbeat: async (token: string) => {
        beaten.push(token);
        await slow;
        return true;
      },
    };
    const heartbeats = new CourierHeartbeats(store, target, new RecordingLogger());
    heartbeats.start(1000);
    await vi.advanceTimersByTimeAsync(3500);
    // The first pass is stuck on t1: later ticks do not start a second pass.
    expect(beaten).toEqual(['t1']);
    release();
    await vi.advanceTimersByTimeAsync(1000);
    expect(beaten).toEqual(['t1', 't3', 't1', 't3']);
    await heartbeats.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(beaten).toHaveLength(4);
  });
});
