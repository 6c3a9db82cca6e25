import type { Invoker, Place } from '../../chat/context.ts';
import type { Order } from '../../domain/orders/order.ts';

/**
 * Orders belong to the server they were placed in: `discord:<guild id>`, `slack:<team id>`, `web:playground`.
 * Customers see their own orders of the server they are in; in a direct message with the bot (nobody else reads it)
 * they see all their own orders. Staff act only on their server's orders. Orders written before orders had a
 * server (no `space`) stay visible to their owner everywhere and to staff of any server, as they were.
 */
export const orderSpaceOf = (place: Pick<Place, 'platform' | 'spaceId'>): string =>
  `${place.platform}:${place.spaceId}`;

/** The space a viewer is limited to here: none in a direct message (their own orders only anyway). */
export const viewerSpaceOf = (place: Pick<Place, 'platform' | 'spaceId' | 'isDirect'>): string | undefined =>
  place.isDirect ? undefined : orderSpaceOf(place);

/** Whether an order of `order.space` shows to a viewer limited to `space` (undefined: not limited). */
export const inSpace = (order: Pick<Order, 'space'>, space: string | undefined): boolean =>
  space === undefined || order.space === undefined || order.space === space;

/**
 * Who looks at orders from here: a customer sees their own orders of this server (all of them in a DM); staff see
 * every order of this server, and only of this server (also in a DM, which for staff is still their server's).
 */
export const viewerIn = (invoker: Pick<Invoker, 'user' | 'isStaff'>, place: Place) => ({
  user: invoker.user,
  isStaff: invoker.isStaff,
  ...spaceField(invoker.isStaff ? orderSpaceOf(place) : viewerSpaceOf(place)),
});

/** The caller acting on their own orders only (/cancel, the assistant's tools), staff or not. */
export const customerIn = (invoker: Pick<Invoker, 'user'>, place: Place) => ({
  user: invoker.user,
  isStaff: false,
  ...spaceField(viewerSpaceOf(place)),
});

const spaceField = (space: string | undefined): { space?: string } => (space === undefined ? {} : { space });
