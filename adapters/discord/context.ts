import type { Invoker, Place } from '../../src/chat/context.ts';
import { userId } from '../../src/domain/ids.ts';
import type { ChannelShape, MemberShape, UserShape } from './shapes.ts';

/** Staff are members holding the role named or id'd by DISCORD_STAFF_ROLE. Raw API members only carry role ids. */
export function isStaff(member: MemberShape | null, staffRole: string): boolean {
  if (!member || staffRole === '') return false;
  const roles = member.roles;
  if (isIdList(roles)) return roles.includes(staffRole);
  return roles.cache.some((role) => role.id === staffRole || role.name === staffRole);
}

const isIdList = (roles: MemberShape['roles']): roles is readonly string[] => Array.isArray(roles);

export function invokerOf(user: UserShape, member: MemberShape | null, staffRole: string): Invoker {
  return {
    user: userId('discord', user.id),
    displayName: user.globalName ?? user.username,
    isStaff: isStaff(member, staffRole),
  };
}

/**
 * Where it happens. A thread's messages carry `discord:<thread id>`; a thread started on a message has that
 * message's id, so it matches what `threadKey()` returned for the answer. A DM channel acts as one long thread.
 */
export function placeOf(guildId: string | null, channelId: string | null, channel: ChannelShape | null): Place {
  const id = channel?.id ?? channelId ?? 'unknown';
  const isDirect = guildId === null && (channel?.isDMBased() ?? true);
  const inThread = channel?.isThread() ?? false;
  const threadKey = inThread || isDirect ? conversationKey(id) : undefined;
  return {
    platform: 'discord',
    spaceId: guildId ?? 'dm',
    channelId: inThread ? (channel?.parentId ?? id) : id,
    isDirect,
    ...(threadKey ? { threadKey } : {}),
  };
}

export const conversationKey = (id: string): string => `discord:${id}`;
