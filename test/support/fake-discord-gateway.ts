import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiscordGatewayAdapterLibraryMethods } from '@discordjs/voice';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  APP_ID,
  BOT_ID,
  dmChannel,
  type GuildSpec,
  guildCreate,
  messagePayload,
  readyPayload,
} from './fake-discord-gateway-payloads.ts';
import type { FakeDiscordVoice } from './fake-discord-voice/fake-discord-voice.ts';

/**
 * A loopback Discord for the real discord.js client: REST (GET /gateway/bot with `shards` and
 * `session_start_limit`, interaction callbacks, webhook edits, DM channels and messages, command registration)
 * and the gateway v10 over ws on the same port (HELLO, IDENTIFY with shard [id, count], READY, GUILD_CREATE for the
 * shard's own guilds, heartbeats and ACKs, dispatches, op 4 voice state updates). Per Discord's developer docs
 * "Gateway" (sharding formula, identify buckets, close codes 4010/4011) and @discordjs/ws 1.2 (the client).
 *
 * Invariants it checks as Discord does: a shard id below the count (else close 4010), at most
 * `maxGuildsPerShard` guilds on a shard (else 4011, "sharding required"), one identify per max_concurrency bucket
 * (shard_id % max_concurrency) per 5 s (else op 9, invalid session), the token of the bot.
 * Point a client at it with `rest: { api: fake.api }`: discord.js reads the gateway url from /gateway/bot.
 */
export interface FakeGatewayOptions {
  /** Discord's recommended shard count (/gateway/bot `shards`). */
  readonly shards: number;
  readonly maxConcurrency?: number;
  readonly heartbeatMs?: number;
  readonly guilds?: readonly GuildSpec[];
  readonly maxGuildsPerShard?: number;
  readonly token?: string;
  /** Answers op 4 joins with its voice servers (VOICE_STATE_UPDATE + VOICE_SERVER_UPDATE on the same shard). */
  readonly voice?: FakeDiscordVoice;
}

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface Identify {
  readonly shard: readonly [number, number];
  readonly intents: number;
  readonly at: number;
}

export interface VoiceRequest {
  /** The shard whose socket carried the op 4. */
  readonly shardId: number;
  readonly guildId: string;
  readonly channelId: string | null;
}

interface Session {
  readonly ws: WebSocket;
  readonly shard: readonly [number, number];
  seq: number;
}

const IDENTIFY_WINDOW_MS = 5_000;
/**
 * Identifies are timed on arrival, as Discord times them: a delivery delay of the earlier one (a busy test process)
 * shortens the gap seen here although the client waited its 5 s, so up to 1 s of that is allowed.
 */
export const IDENTIFY_SLACK_MS = 1_000;

export class FakeDiscordGateway {
  readonly api: string;
  readonly requests: RestRequest[] = [];
  readonly identifies: Identify[] = [];
  readonly voiceRequests: VoiceRequest[] = [];
  /** Identifies refused for breaking the bucket rate (answered with op 9). */
  rateLimitedIdentifies = 0;
  readonly heartbeats = new Map<number, number>();
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #options: FakeGatewayOptions;
  readonly #sessions = new Map<number, Session>();
  readonly #lastIdentify = new Map<number, number>();
  readonly #waiters = new Set<() => void>();
  readonly #url: string;
  #messageId = 10_000n;

  private constructor(server: Server, options: FakeGatewayOptions) {
    this.#server = server;
    this.#options = options;
    const port = (server.address() as AddressInfo).port;
    this.api = `http://127.0.0.1:${port}/api`;
    this.#url = `ws://127.0.0.1:${port}`;
    this.#wss = new WebSocketServer({ server });
    this.#wss.on('connection', (ws) => this.#onSocket(ws));
    server.on('request', (req, res) => {
      this.#onRest(req, res).catch(() => res.writeHead(500).end());
    });
  }

  static async start(options: FakeGatewayOptions): Promise<FakeDiscordGateway> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new FakeDiscordGateway(server, options);
  }

  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Discord's formula, with the shard count the connected client identified with. */
  shardOf(guildId: string, count = this.#connectedCount()): number {
    return Number((BigInt(guildId) >> 22n) % BigInt(count));
  }

  /** Shard ids with a live, identified socket. */
  connectedShards(): number[] {
    return [...this.#sessions.keys()].sort((a, b) => a - b);
  }

  /** Sends a dispatch (op 0) on one shard's socket. */
  dispatch(shardId: number, t: string, d: unknown): void {
    const session = this.#sessions.get(shardId);
    if (!session) throw new Error(`shard ${shardId} is not connected`);
    session.seq += 1;
    session.ws.send(JSON.stringify({ op: 0, t, s: session.seq, d }));
  }

  /** Sends a guild's event where Discord would: on the shard that owns the guild. */
  dispatchToGuild(guildId: string, t: string, d: unknown): number {
    const shard = this.shardOf(guildId);
    this.dispatch(shard, t, d);
    return shard;
  }

  /** Closes a shard's socket as Discord does on a fault (4000: unknown error, resumable); the client reconnects. */
  dropShard(shardId: number, code = 4000): void {
    const session = this.#sessions.get(shardId);
    if (!session) throw new Error(`shard ${shardId} is not connected`);
    this.#sessions.delete(shardId);
    session.ws.close(code, 'fake Discord dropped the shard');
  }

  /** Sends pre-built dispatches (t, d) on a shard as fast as the socket takes them; resolves once flushed. */
  async flood(shardId: number, events: readonly { t: string; d: unknown }[]): Promise<void> {
    const session = this.#sessions.get(shardId);
    if (!session) throw new Error(`shard ${shardId} is not connected`);
    for (const { t, d } of events) {
      session.seq += 1;
      session.ws.send(`{"op":0,"t":"${t}","s":${session.seq},"d":${JSON.stringify(d)}}`);
      if (session.ws.bufferedAmount > 1 << 20) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves when `test` holds (checked on every request and gateway message), or rejects after `ms`. */
  until(test: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!test()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`fake Discord: timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.#waiters.add(check);
    });
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }

  #connectedCount(): number {
    const any = this.#sessions.values().next().value;
    return any?.shard[1] ?? this.#options.shards;
  }

  // ---- gateway ------------------------------------------------------------------------------------------------

  #onSocket(ws: WebSocket): void {
    let shardId: number | undefined;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.#options.heartbeatMs ?? 41_250 } }));
    ws.on('message', (data) => {
      const packet = JSON.parse(String(data)) as { op: number; d: unknown };
      if (packet.op === 1) {
        if (shardId !== undefined) this.heartbeats.set(shardId, (this.heartbeats.get(shardId) ?? 0) + 1);
        ws.send(JSON.stringify({ op: 11 }));
      } else if (packet.op === 2) {
        shardId = this.#identify(ws, packet.d as { token: string; intents: number; shard?: [number, number] });
      } else if (packet.op === 6) {
        ws.send(JSON.stringify({ op: 9, d: false })); // sessions are not kept: identify again
      } else if (packet.op === 4 && shardId !== undefined) {
        this.#voiceState(shardId, packet.d as { guild_id: string; channel_id: string | null });
      }
      this.#changed();
    });
    ws.on('close', () => {
      if (shardId !== undefined && this.#sessions.get(shardId)?.ws === ws) this.#sessions.delete(shardId);
      this.#changed();
    });
  }

  #identify(ws: WebSocket, d: { token: string; intents: number; shard?: [number, number] }): number | undefined {
    const shard: [number, number] = d.shard ?? [0, 1];
    const [id, count] = shard;
    if (d.token !== (this.#options.token ?? 'fake-discord-token')) {
      ws.close(4004, 'Authentication failed');
      return undefined;
    }
    if (id < 0 || id >= count) {
      ws.close(4010, 'Invalid shard');
      return undefined;
    }
    const guilds = (this.#options.guilds ?? []).filter((g) => this.shardOf(g.id, count) === id);
    if (guilds.length > (this.#options.maxGuildsPerShard ?? 2_500)) {
      ws.close(4011, 'Sharding required');
      return undefined;
    }
    const bucket = id % (this.#options.maxConcurrency ?? 1);
    const now = Date.now();
    const last = this.#lastIdentify.get(bucket);
    if (last !== undefined && now - last < IDENTIFY_WINDOW_MS - IDENTIFY_SLACK_MS) {
      this.rateLimitedIdentifies += 1;
      ws.send(JSON.stringify({ op: 9, d: false }));
      return undefined;
    }
    this.#lastIdentify.set(bucket, now);
    this.identifies.push({ shard, intents: d.intents, at: now });
    this.#sessions.get(id)?.ws.terminate();
    this.#sessions.set(id, { ws, shard, seq: 0 });
    const ids = guilds.map((g) => g.id);
    this.dispatch(id, 'READY', readyPayload(shard, ids, randomBytes(16).toString('hex'), this.#url));
    for (const guild of guilds) this.dispatch(id, 'GUILD_CREATE', guildCreate(guild));
    return id;
  }

  #voiceState(shardId: number, d: { guild_id: string; channel_id: string | null }): void {
    this.voiceRequests.push({ shardId, guildId: d.guild_id, channelId: d.channel_id });
    const voice = this.#options.voice;
    if (!voice || this.shardOf(d.guild_id) !== shardId) return; // Discord ignores a join on the wrong shard
    // The fake voice servers answer through adapter methods; relay their answers as dispatches on this shard.
    const relay = {
      onVoiceStateUpdate: (state: unknown) => this.dispatch(shardId, 'VOICE_STATE_UPDATE', state),
      onVoiceServerUpdate: (server: unknown) => this.dispatch(shardId, 'VOICE_SERVER_UPDATE', server),
      destroy: () => undefined,
    } as unknown as DiscordGatewayAdapterLibraryMethods;
    voice.adapterCreator(d.guild_id)(relay).sendPayload({ op: 4, d });
  }

  // ---- REST ---------------------------------------------------------------------------------------------------

  async #onRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = decodeURIComponent(req.url ?? '')
      .replace(/^\/api\/v10/, '')
      .replace(/\?.*$/, '');
    const request: RestRequest = {
      method: req.method ?? '',
      path,
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
    };
    this.requests.push(request);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    // Interaction callbacks and webhook edits are authorized by the interaction token in the path.
    const authorized =
      req.headers.authorization === `Bot ${this.#options.token ?? 'fake-discord-token'}` ||
      /^\/(interactions|webhooks)\//.test(path);
    if (!authorized) {
      json(401, { message: '401: Unauthorized', code: 0 });
    } else if (path === '/gateway/bot') {
      json(200, {
        url: this.#url,
        shards: this.#options.shards,
        session_start_limit: {
          total: 1_000,
          remaining: 1_000 - this.identifies.length,
          reset_after: 86_400_000,
          max_concurrency: this.#options.maxConcurrency ?? 1,
        },
      });
    } else if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) {
      res.writeHead(204).end();
    } else if (path === '/users/@me/channels') {
      json(200, dmChannel(String(request.body.recipient_id)));
    } else if (/^\/(channels\/\d+\/messages|webhooks\/\d+\/[^/]+(\/messages\/@original)?)$/.test(path)) {
      const channel = path.match(/^\/channels\/(\d+)/)?.[1] ?? '1';
      this.#messageId += 1n;
      json(200, messagePayload(this.#messageId.toString(), channel, String(request.body.content ?? '')));
    } else if (new RegExp(`^/applications/${APP_ID}(/guilds/\\d+)?/commands$`).test(path) && req.method === 'PUT') {
      const body = request.body as unknown as { name: string }[];
      json(
        200,
        body.map((c, i) => ({ ...c, id: String(800 + i), application_id: APP_ID, version: '1' })),
      );
    } else {
      json(404, { message: `fake Discord: no route for ${req.method} ${path}`, code: 0 });
    }
    this.#changed();
  }
}

export { APP_ID, BOT_ID };
