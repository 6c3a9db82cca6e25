import type { Invoker, Place } from '../../src/chat/context.ts';
import { userId } from '../../src/domain/ids.ts';
import { isDiscordStaff, type StaffRules } from '../../src/domain/staff.ts';
import type { ChannelShape, MemberShape, UserShape } from './shapes.ts';

/**
 * Staff in this guild: the user's id or one of their role ids is configured for it (STAFF_USERS, STAFF_ROLES).
 * Role names are never compared. Raw API members only carry role ids; cached members carry role objects.
 */
export function isStaff(member: MemberShape | null, guildId: string | null, user: string, staff: StaffRules): boolean {
  if (!member) return false;
  const roles = member.roles;
  const hasRole = isIdList(roles)
    ? (id: string) => roles.includes(id)
    : (id: string) => roles.cache.some((role) => role.id === id);
  return isDiscordStaff(staff, guildId, user, hasRole);
}

const isIdList = (roles: MemberShape['roles']): roles is readonly string[] => Array.isArray(roles);

/** The member's role ids in this guild, from a raw API member or a cached one. */
export function roleIdsOf(member: MemberShape | null): readonly string[] {
  if (!member) return [];
  const roles = member.roles;
  if (isIdList(roles)) return roles;
  const ids: string[] = [];
  roles.cache.some((role) => {
    ids.push(role.id);
    return false;
  });
  return ids;
}

export function invokerOf(
  user: UserShape,
  member: MemberShape | null,
  guildId: string | null,
  staff: StaffRules,
): Invoker {
  const roles = roleIdsOf(member);
  return {
    user: userId('discord', user.id),
    displayName: user.globalName ?? user.username,
    isStaff: isStaff(member, guildId, user.id, staff),
    ...(roles.length > 0 ? { roles } : {}),
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
