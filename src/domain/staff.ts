/**
 * Who is staff, per server, by ids only (a role *name* can be created by anyone who manages any server the bot is
 * in). Discord: a role id or a user id, each bound to one guild (`STAFF_ROLES=guild:role`, `STAFF_USERS=guild:user`).
 * Slack: user ids bound to one workspace (`SLACK_STAFF_USERS=T…/U…`). Staff of one server are nobody elsewhere.
 */
export interface StaffRules {
  /** Guild id → staff role ids in that guild. */
  readonly rolesByGuild: ReadonlyMap<string, ReadonlySet<string>>;
  /** Guild id → staff user ids in that guild. */
  readonly usersByGuild: ReadonlyMap<string, ReadonlySet<string>>;
}

export const NO_STAFF: StaffRules = { rolesByGuild: new Map(), usersByGuild: new Map() };

const SNOWFLAKE = /^\d{5,25}$/;
const SLACK_ID = /^[A-Z0-9]{2,20}$/;

/** `guildId:id` pairs (Discord snowflakes); a message naming the bad entry otherwise. */
export function parseGuildPairs(entries: readonly string[]): Map<string, Set<string>> | string {
  const byGuild = new Map<string, Set<string>>();
  for (const entry of entries) {
    const [guild, id, extra] = entry.split(':').map((s) => s.trim());
    if (extra !== undefined || !guild || !id || !SNOWFLAKE.test(guild) || !SNOWFLAKE.test(id)) {
      return `“${entry}” is not guildId:id (two Discord ids, e.g. 123456789012345678:234567890123456789).`;
    }
    byGuild.set(guild, (byGuild.get(guild) ?? new Set()).add(id));
  }
  return byGuild;
}

/** `TEAM/USER` Slack ids; a message naming the bad entry otherwise. */
export function parseSlackStaff(entries: readonly string[]): Set<string> | string {
  const users = new Set<string>();
  for (const entry of entries) {
    const [team, user, extra] = entry.split('/').map((s) => s.trim());
    if (extra !== undefined || !team || !user || !SLACK_ID.test(team) || !SLACK_ID.test(user)) {
      return `“${entry}” is not TEAM/USER (a workspace id and a user id, e.g. T0123ABCD/U0456EFGH).`;
    }
    users.add(`${team}/${user}`);
  }
  return users;
}

/** A Discord member is staff in `guildId` when their id or one of their role ids is configured for that guild. */
export function isDiscordStaff(
  rules: StaffRules,
  guildId: string | null,
  userId: string,
  roleIds: (id: string) => boolean,
): boolean {
  if (guildId === null) return false;
  if (rules.usersByGuild.get(guildId)?.has(userId)) return true;
  const roles = rules.rolesByGuild.get(guildId);
  return roles !== undefined && [...roles].some(roleIds);
}

export const isSlackStaff = (staff: ReadonlySet<string>, team: string, user: string): boolean =>
  staff.has(`${team}/${user}`);
