/** Brands for ids that get mixed up. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

export type Platform = 'discord' | 'slack' | 'web';

/** A user across surfaces: `discord:1234`, `slack:T1/U2`, `web:alice`. Owns orders; receives notifications. */
export type UserId = Brand<string, 'UserId'>;
export const userId = (platform: Platform, id: string): UserId => `${platform}:${id}` as UserId;
export const platformOf = (user: UserId): Platform => user.slice(0, user.indexOf(':')) as Platform;
export const localIdOf = (user: UserId): string => user.slice(user.indexOf(':') + 1);

export type ModelId = Brand<string, 'ModelId'>;
export type OrderId = Brand<string, 'OrderId'>;
