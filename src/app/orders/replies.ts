import { type TextReply, text } from '../../chat/reply.ts';
import { formatCents } from '../../domain/orders/money.ts';
import { isFinished, type Order, STATUS_LABEL, type StatusEntry } from '../../domain/orders/order.ts';

const time = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

export function priceLines(order: Order): string[] {
  const p = order.price;
  return [
    `${p.quantity} × ${order.productName} @ ${formatCents(p.unitPriceCents)} = ${formatCents(p.itemsCents)}`,
    `Delivery: ${formatCents(p.deliveryCents)}`,
    `**Total: ${formatCents(p.totalCents)}**`,
  ];
}

export function orderPlacedReply(order: Order, repeated: boolean): TextReply {
  return text(
    [
      repeated ? '_This interaction was already received: here is the same order._' : '',
      `Order \`${order.id}\` for **${order.productName}** to ${order.address}.`,
      ...priceLines(order),
      `ETA: ${time(order.eta)}. You will get a direct message at each step; \`/track ${order.id}\` shows the timeline.`,
    ]
      .filter(Boolean)
      .join('\n'),
    { title: 'Order received' },
  );
}

export function statusChangeReply(
  order: Pick<Order, 'id' | 'quantity' | 'productName' | 'eta'>,
  entry: StatusEntry,
): TextReply {
  const lines = [
    `Your order \`${order.id}\` (${order.quantity} × ${order.productName}) is now **${STATUS_LABEL[entry.status]}**.`,
  ];
  if (entry.note) lines.push(entry.note);
  if (entry.status === 'confirmed' || entry.status === 'preparing' || entry.status === 'out_for_delivery') {
    lines.push(`ETA: ${time(order.eta)}.`);
  }
  // The cause's stable code, for support: the note above names the same one cause in words.
  return text(lines.join('\n'), {
    title: `Order ${STATUS_LABEL[entry.status]}`,
    ...(entry.cause ? { footer: `Cause: ${entry.cause}` } : {}),
  });
}

export function timelineReply(order: Order): TextReply {
  const lines = order.history.map(
    (h) => `• ${time(h.at)}: **${STATUS_LABEL[h.status]}**${h.note ? ` (${h.note})` : ''}`,
  );
  return text(
    [
      `**${order.quantity} × ${order.productName}** to ${order.address}`,
      ...(order.note ? [`Note: ${order.note}`] : []),
      ...lines,
      `Status: **${STATUS_LABEL[order.status]}**${isFinished(order.status) ? '' : `, ETA ${time(order.eta)}`}`,
      `Total: ${formatCents(order.price.totalCents)}`,
    ].join('\n'),
    { title: `Order ${order.id}` },
  );
}
