import { afterEach, describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../../adapters/metrics/prometheus-metrics.ts';
import { recordOrderStatus } from '../../../src/app/ops/order-metrics.ts';
import { placeOrder } from '../../../src/app/orders/place-order.ts';
import { userId } from '../../../src/domain/ids.ts';
import { orderIdFor } from '../../../src/domain/orders/order-id.ts';
import { type OrderStack, startOrderStack } from '../../support/order-stack.ts';

const request = { productId: 'margherita', quantity: 1, address: 'Main street 1, 10001 Old Town' };

describe('order metrics from the workflow', { timeout: 120_000 }, () => {
  let stack: OrderStack | undefined;
  afterEach(async () => {
    await stack?.close();
  });

  it('counts each applied transition once, and declined payments as failures', async () => {
    const metrics = new PrometheusMetrics({ defaultMetrics: false });
    stack = await startOrderStack({ onStatus: recordOrderStatus(metrics) });
    const ok = orderIdFor('discord', 'metrics-1');
    const declined = orderIdFor('discord', 'metrics-2');
    const alice = userId('discord', 'alice');
    expect(
      (await placeOrder(stack.orders, { orderId: ok, user: alice, request: { ...request, paymentMethod: 'tok_ok' } }))
        .ok,
    ).toBe(true);
    expect(
      (
        await placeOrder(stack.orders, {
          orderId: declined,
          user: userId('discord', 'bob'),
          // Declined when charged (tok_decline is refused before the order is placed).
          request: { ...request, paymentMethod: 'tok_insufficient_funds' },
        })
      ).ok,
    ).toBe(true);
    await stack.waitForStatus(ok, 'confirmed');
    await stack.waitForStatus(declined, 'payment_declined');
    const body = await metrics.scrape();
    expect(body).toContain('sonicord_order_transitions_total{status="confirmed"} 1');
    expect(body).toContain('sonicord_order_transitions_total{status="payment_declined"} 1');
    expect(body).toContain('sonicord_order_failures_total{status="payment_declined"} 1');
    expect(body).not.toContain('sonicord_order_failures_total{status="confirmed"}');
  });
});
