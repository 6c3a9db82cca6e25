/**
 * Gateway v10 and REST payloads of the loopback Discord (fake-discord-gateway.ts), shaped as Discord's developer
 * docs ("Gateway Events", "Guild", "Channel", "Message") describe them: enough for discord.js 14 to build its
 * Guild, Channel, Member, Message and Interaction objects.
 */
export const BOT_ID = '100000000000000001';
export const APP_ID = '100000000000000002';
const JOINED = '2026-01-01T00:00:00.000Z';

export interface GuildSpec {
  readonly id: string;
  readonly name?: string;
  /** Members cached besides the bot (for memory figures). */
  readonly members?: number;
}

/** Guild ids spread evenly over `shards` shards: guild i is on shard i % shards (id = i << 22, plus one). */
export function guildsFor(shards: number, perShard: number, members = 0): GuildSpec[] {
  return Array.from({ length: shards * perShard }, (_, i) => ({
    id: ((BigInt(i + 1) << 22n) + 1n).toString(),
    name: `guild ${i + 1}`,
    members,
  }));
}

/** Channel ids of a guild: its text channel and its voice channel. */
export const textChannelOf = (guildId: string): string => (BigInt(guildId) + 1n).toString();
export const voiceChannelOf = (guildId: string): string => (BigInt(guildId) + 2n).toString();
/** The DM channel Discord opens with a user. */
export const dmChannelOf = (userId: string): string => (BigInt(userId) + 7n).toString();

export const aUser = (id: string, name = `user${id.slice(-4)}`, bot = false) => ({
  id,
  username: name,
  discriminator: '0',
  global_name: name,
  avatar: null,
  bot,
  flags: 0,
});

export const botUser = () => aUser(BOT_ID, 'sonicord', true);

const member = (user: ReturnType<typeof aUser>, roles: string[] = []) => ({
  user,
  roles,
  joined_at: JOINED,
  deaf: false,
  mute: false,
  flags: 0,
});

export function readyPayload(
  shard: readonly [number, number],
  guildIds: readonly string[],
  sessionId: string,
  url: string,
) {
  return {
    v: 10,
    user: botUser(),
    guilds: guildIds.map((id) => ({ id, unavailable: true })),
    session_id: sessionId,
    resume_gateway_url: url,
    shard,
    application: { id: APP_ID, flags: 0 },
    private_channels: [],
    relationships: [],
    user_settings: {},
    guild_join_requests: [],
    presences: [],
  };
}

/** A guild as GUILD_CREATE carries it: @everyone is Administrator, one text and one voice channel. */
export function guildCreate(guild: GuildSpec) {
  const members = Array.from({ length: guild.members ?? 0 }, (_, i) =>
    member(aUser((BigInt(guild.id) + 1000n + BigInt(i)).toString())),
  );
  return {
    id: guild.id,
    name: guild.name ?? `guild ${guild.id}`,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: '1',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: '8',
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    stickers: [],
    joined_at: JOINED,
    large: false,
    unavailable: false,
    member_count: members.length + 1,
    voice_states: [],
    members: [member(botUser()), ...members],
    channels: [
      { id: textChannelOf(guild.id), type: 0, name: 'general', position: 0, permission_overwrites: [], nsfw: false },
      {
        id: voiceChannelOf(guild.id),
        type: 2,
        name: 'voice',
        position: 1,
        permission_overwrites: [],
        bitrate: 64_000,
        user_limit: 0,
        rtc_region: null,
      },
    ],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}

export function messagePayload(id: string, channelId: string, content: string, author = botUser(), guildId?: string) {
  return {
    id,
    channel_id: channelId,
    ...(guildId ? { guild_id: guildId, member: { roles: [], joined_at: JOINED, deaf: false, mute: false } } : {}),
    type: 0,
    content,
    author,
    timestamp: '2026-12-04T10:00:00.000Z',
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
  };
}

/** A slash command used in a guild channel (type 2, APPLICATION_COMMAND) by a user with no roles. */
export function chatInputInteraction(
  id: string,
  guildId: string,
  userId: string,
  name: string,
  options: object[] = [],
) {
  return {
    id,
    application_id: APP_ID,
    type: 2,
    token: `tok${id}`,
    version: 1,
    guild_id: guildId,
    channel_id: textChannelOf(guildId),
    channel: { id: textChannelOf(guildId), type: 0, guild_id: guildId, name: 'general' },
    member: { ...member(aUser(userId)), permissions: '0' },
    data: { id: '700', name, type: 1, options },
    locale: 'en-US',
    app_permissions: '0',
    entitlements: [],
    authorizing_integration_owners: {},
    context: 0,
  };
}

export function dmChannel(userId: string) {
  return { id: dmChannelOf(userId), type: 1, last_message_id: null, recipients: [aUser(userId)] };
}
