import { createHash } from 'node:crypto';
import type { OrderId } from '../ids.ts';

const ORDER_ID = /^ord_[a-z0-9]{16}$/;

/**
 * The order id derives from the platform's interaction id: a second delivery of the same interaction yields
 * the same id, so the conditional create and the execution name (= order id) make /order idempotent.
 * The shape is a valid Step Functions execution name.
 */
export function orderIdFor(platform: string, invocationId: string): OrderId {
  const digest = createHash('sha256').update(`${platform}\u0000${invocationId}`).digest();
  let id = '';
  for (const byte of digest.subarray(0, 16)) id += (byte % 36).toString(36);
  return `ord_${id}` as OrderId;
}

export function parseOrderId(raw: string): OrderId | undefined {
  const trimmed = raw.trim().toLowerCase();
  return ORDER_ID.test(trimmed) ? (trimmed as OrderId) : undefined;
}
