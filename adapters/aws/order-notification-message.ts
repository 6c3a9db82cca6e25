import { z } from 'zod';
import type { Reply } from '../../src/chat/reply.ts';
import type { OrderId, UserId } from '../../src/domain/ids.ts';
import { type OrderStatus, STATUS_LABEL } from '../../src/domain/orders/order.ts';
import type { StatusNotice } from '../../src/ports/status-notices.ts';

// The queue is a trust boundary (anything allowed to publish on the topic can write to it): check every field.
const textReply = z.object({
  kind: z.literal('text'),
  title: z.string().exactOptional(),
  text: z.string(),
  footer: z.string().exactOptional(),
});
const tableReply = z.object({
  kind: z.literal('table'),
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string())),
  footer: z.string().exactOptional(),
});
const errorReply = z.object({
  kind: z.literal('error'),
  code: z.string(),
  message: z.string(),
  hint: z.string().exactOptional(),
  correlationId: z.string().exactOptional(),
});
// Files (bytes) do not survive JSON, and order notices never carry any: only the parts are read.
const compositeReply = z.object({
  kind: z.literal('composite'),
  parts: z.array(z.discriminatedUnion('kind', [textReply, tableReply, errorReply])),
});
const replySchema = z.discriminatedUnion('kind', [textReply, tableReply, errorReply, compositeReply]);

const notificationSchema = z.object({
  type: z.literal('order.notification'),
  user: z
    .string()
    .regex(/^(discord|slack|web):.+$/, 'expected a user id like discord:123, slack:T1/U2 or web:alice')
    .transform((s) => s as UserId),
  reply: replySchema,
  at: z.iso.datetime({ offset: true }),
  // The notice's identity (absent in messages published before the outbox: those are delivered without dedupe).
  orderId: z
    .string()
    .regex(/^ord_[a-z0-9]{16}$/)
    .exactOptional(),
  status: z.enum(Object.keys(STATUS_LABEL) as [OrderStatus, ...OrderStatus[]]).exactOptional(),
  rank: z.number().int().min(0).max(100).exactOptional(),
  key: z.string().max(200).exactOptional(),
});

/** A message as read: the notice when it names its order and status, else only who to tell what. */
export type ReadNotification =
  | { readonly kind: 'notice'; readonly notice: StatusNotice }
  | { readonly kind: 'legacy'; readonly user: UserId; readonly reply: Reply };

/** What SNS wraps the message in when the subscription's raw message delivery is off. */
const snsEnvelope = z.object({ Type: z.literal('Notification'), Message: z.string() });

export type ParsedMessage =
  | { readonly ok: true; readonly notification: ReadNotification }
  | { readonly ok: false; readonly reason: string };

/**
 * Reads one queue message body: the SnsNotifier's JSON (OrderNotification, raw delivery), or the same JSON inside an SNS envelope.
 * The reason names what was wrong without echoing the body (it holds user ids and order details).
 */
export function parseNotificationMessage(body: string | undefined): ParsedMessage {
  const json = parseJson(body);
  if (json === undefined) return { ok: false, reason: 'the body is not JSON' };
  const envelope = snsEnvelope.safeParse(json);
  const inner = envelope.success ? parseJson(envelope.data.Message) : json;
  if (inner === undefined) return { ok: false, reason: 'the SNS envelope’s Message is not JSON' };
  const parsed = notificationSchema.safeParse(inner);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `not an order notification (${issues.slice(0, 3).join('; ')})` };
  }
  const { user, at, orderId, status, rank } = parsed.data;
  const reply: Reply = parsed.data.reply;
  if (orderId === undefined || status === undefined || rank === undefined) {
    return { ok: true, notification: { kind: 'legacy', user, reply } };
  }
  return {
    ok: true,
    notification: { kind: 'notice', notice: { orderId: orderId as OrderId, user, status, rank, reply, at } },
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
