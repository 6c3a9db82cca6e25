import { describe, expect, it } from 'vitest';
import { parseNotificationMessage } from '../../../adapters/aws/order-notification-message.ts';
import type { Reply } from '../../../src/chat/reply.ts';

const at = '2026-11-24T10:00:00.000Z';
const body = (fields: Record<string, unknown>): string =>
  JSON.stringify({ type: 'order.notification', user: 'web:alice', reply: { kind: 'text', text: 'hi' }, at, ...fields });

describe('parseNotificationMessage', () => {
  it('reads every reply kind an order notice can carry', () => {
    const replies: Reply[] = [
      { kind: 'text', text: 'Confirmed', title: 'Order confirmed', footer: 'ETA 12:30' },
      { kind: 'table', title: 'Timeline', columns: ['status', 'at'], rows: [['confirmed', '12:00']] },
      { kind: 'error', code: 'order.payment_declined', message: 'Declined', hint: 'Try another card' },
      { kind: 'composite', parts: [{ kind: 'text', text: 'a' }] },
    ];
    for (const reply of replies) {
      expect(parseNotificationMessage(body({ reply }))).toEqual({
        ok: true,
        notification: { kind: 'legacy', user: 'web:alice', reply },
      });
    }
  });

  it('reads the notice’s identity (order, status, rank) when the message carries it', () => {
    const identity = {
      orderId: 'ord_0123456789abcdef',
      status: 'preparing',
      rank: 2,
      key: 'ord_0123456789abcdef:preparing',
    };
    expect(parseNotificationMessage(body(identity))).toEqual({
      ok: true,
      notification: {
        kind: 'notice',
        notice: {
          orderId: 'ord_0123456789abcdef',
          user: 'web:alice',
          status: 'preparing',
          rank: 2,
          reply: { kind: 'text', text: 'hi' },
          at,
        },
      },
    });
    expect(parseNotificationMessage(body({ ...identity, status: 'teleported' })).ok).toBe(false);
    expect(parseNotificationMessage(body({ ...identity, orderId: 'ord_../../x' })).ok).toBe(false);
  });

  it('unwraps an SNS envelope', () => {
    const envelope = JSON.stringify({ Type: 'Notification', MessageId: 'x', Message: body({ user: 'slack:T1/U2' }) });
    const parsed = parseNotificationMessage(envelope);
    expect(parsed.ok && parsed.notification.kind === 'legacy' && parsed.notification.user).toBe('slack:T1/U2');
  });

  it('says what is wrong, without echoing the body', () => {
    expect(parseNotificationMessage(undefined)).toEqual({ ok: false, reason: 'the body is not JSON' });
    expect(parseNotificationMessage(JSON.stringify({ Type: 'Notification', Message: '{' }))).toEqual({
      ok: false,
      reason: 'the SNS envelope’s Message is not JSON',
    });
    const wrong = parseNotificationMessage(body({ user: 'telegram:42', reply: { kind: 'text' }, at: 'yesterday' }));
    expect(wrong.ok).toBe(false);
    const reason = wrong.ok ? '' : wrong.reason;
    expect(reason).toMatch(/^not an order notification \(/);
    expect(reason).toContain('user: expected a user id');
    expect(reason).toContain('reply.text');
    expect(reason).toContain('at:');
    expect(reason).not.toContain('telegram:42');
    expect(parseNotificationMessage(body({ type: 'order.created' })).ok).toBe(false);
  });
});
