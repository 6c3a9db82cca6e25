import { randomBytes, randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { DiscordGatewayAdapterCreator, DiscordGatewayAdapterLibraryMethods } from '@discordjs/voice';
import { type WebSocket, WebSocketServer } from 'ws';
import { DaveCall } from './dave-call.ts';
import { DaveExternalSender } from './dave-external-sender.ts';
import { AES_GCM_RTPSIZE, discoveryRequestSsrc, discoveryResponse, openRtp, sealRtp } from './rtp.ts';

/**
 * A loopback Discord: the main gateway's voice part (op 4 in, VOICE_STATE_UPDATE / VOICE_SERVER_UPDATE out, as
 * discord.js's guild.voiceAdapterCreator relays them) and the voice servers themselves: the voice gateway v8 over
 * wss (Hello, Identify, Ready, Select Protocol, Session Description, Speaking, Heartbeat/Ack, Resume/Resumed,
 * Clients Connect/Disconnect, close codes 4014 and 4006) and UDP (IP discovery, RTP sealed with
 * aead_aes256_gcm_rtpsize). It speaks to the real @discordjs/voice client. Per Discord's developer docs "Voice
 * Connections" and @discordjs/voice 0.19.2's Networking/VoiceReceiver (the client we must satisfy).
 *
 * DAVE (`start({ dave: true })`): the session description offers protocol version 1, the server is the MLS
 * external sender (op 25, op 27 Add proposals it signs; see dave-external-sender.ts), the fake users are real DAVE
 * members (davey in process; the first one commits every change), and the bot gets welcomes (op 30) and commits
 * (op 29) and executes transitions (op 22) after saying it is ready (op 23). Not served: Remove proposals (a
 * member leaving, or the bot rejoining, keeps its old leaf), downgrades (transition to version 0) and op 31
 * recovery; the DAVE tests do not reconnect. Without `dave` the server says version 0 and frames carry no DAVE layer.
 */
export const BOT_ID = '100000000000000001';
const HEARTBEAT_MS = 13_750;

const OP = {
  identify: 0,
  selectProtocol: 1,
  ready: 2,
  heartbeat: 3,
  sessionDescription: 4,
  speaking: 5,
  heartbeatAck: 6,
  resume: 7,
  hello: 8,
  resumed: 9,
  clientsConnect: 11,
  clientDisconnect: 13,
  daveExecuteTransition: 22,
  daveTransitionReady: 23,
  daveMlsExternalSender: 25,
  daveMlsKeyPackage: 26,
  daveMlsProposals: 27,
  daveMlsCommitWelcome: 28,
  daveMlsAnnounceCommitTransition: 29,
  daveMlsWelcome: 30,
  daveMlsInvalidCommitWelcome: 31,
} as const;

interface Region {
  readonly server: Server;
  readonly wss: WebSocketServer;
  readonly endpoint: string;
}

/** The bot's voice session in one guild: one voice gateway socket, one UDP peer, one key. */
interface BotSession {
  readonly guildId: string;
  readonly token: string;
  readonly sessionId: string;
  readonly ssrc: number;
  readonly key: Buffer;
  ws?: WebSocket;
  peer?: RemoteInfo;
  ready: boolean;
  seq: number;
  nonce: number;
}

export interface SpeakOptions {
  /** Fraction of packets dropped, from a seeded sequence (deterministic). */
  readonly loss?: number;
  /** Fraction of packets swapped with the next one. */
  readonly reorder?: number;
  /** Packet indexes sealed with a wrong key: the receiver fails to decrypt them (as DAVE failures do). */
  readonly corrupt?: ReadonlySet<number>;
  /** Packet indexes sent without the DAVE layer although the sender is in the group (seen in the field). */
  readonly unencrypted?: ReadonlySet<number>;
  /** Called before each packet is sent (e.g. to move or kick mid-sentence). */
  readonly onPacket?: (index: number) => void;
  /** Called right after each packet left the server's socket (for latency figures). */
  readonly onSent?: (index: number, at: number) => void;
  readonly pacingMs?: number;
}

/** A chat message as it reads now (the bot edits its transcript messages). */
export interface ChatLine {
  readonly channelId: string;
  line: string;
}

export class FakeDiscordVoice {
  /** guild → member → voice channel. */
  readonly members = new Map<string, Map<string, string>>();
  readonly chat: ChatLine[] = [];
  /** Heartbeats received (all sessions). */
  heartbeats = 0;
  /** Called with each Opus packet the bot sends, as it arrives (for latency figures). */
  onHeard: ((guildId: string, opus: Buffer, at: number) => void) | undefined;
  /** While true, op 4 joins are accepted but never answered: a reconnect that never completes. */
  holdJoins = false;
  /** While true, voice gateway Identify is never answered: the client sits in Connecting. */
  holdIdentify = false;
  /** op 4 join requests received (rejoins included). */
  joinRequests = 0;
  /** DAVE: commits or welcomes the bot rejected (op 31), and bot frames a fake user could not decrypt. */
  invalidCommits = 0;
  undecryptable = 0;
  /** Bot frames that carried the DAVE layer. */
  daveFrames = 0;
  readonly #regions: Region[];
  readonly #dave: boolean;
  readonly #sender = new DaveExternalSender();
  readonly #calls = new Map<string, DaveCall>();
  readonly #udp: Socket;
  readonly #adapters = new Map<string, DiscordGatewayAdapterLibraryMethods>();
  readonly #sessions = new Map<string, BotSession>();
  readonly #userSsrc = new Map<string, number>();
  readonly #heard = new Map<string, Buffer[]>();
  readonly #listeners = new Set<(guildId: string) => void>();
  readonly #heartbeatMs: number;
  #region = 0;

  private constructor(regions: Region[], udp: Socket, heartbeatMs: number, dave: boolean) {
    this.#regions = regions;
    this.#dave = dave;
    this.#udp = udp;
    this.#heartbeatMs = heartbeatMs;
    udp.on('message', (message, peer) => this.#onUdp(message, peer));
    for (const region of regions) region.wss.on('connection', (ws) => this.#onSocket(ws));
  }

  /** Two voice regions (for voice server changes) and one UDP socket, all on 127.0.0.1 random ports. */
  static async start(options: { heartbeatMs?: number; dave?: boolean } = {}): Promise<FakeDiscordVoice> {
    const tls = new URL('../../fixtures/tls/', import.meta.url);
    const key = readFileSync(new URL('loopback-key.pem', tls));
    const cert = readFileSync(new URL('loopback-cert.pem', tls));
    const regions: Region[] = [];
    for (let i = 0; i < 2; i++) {
      const server = createServer({ key, cert });
      const wss = new WebSocketServer({ server });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      regions.push({ server, wss, endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}` });
    }
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    return new FakeDiscordVoice(regions, udp, options.heartbeatMs ?? HEARTBEAT_MS, options.dave ?? false);
  }

  /** The PEM certificate the test must trust (tls.setDefaultCACertificates). */
  static certificate(): string {
    return readFileSync(new URL('../../fixtures/tls/loopback-cert.pem', import.meta.url), 'utf8');
  }

  async close(): Promise<void> {
    for (const region of this.#regions) {
      for (const ws of region.wss.clients) ws.terminate();
      region.wss.close();
      await new Promise<void>((resolve) => region.server.close(() => resolve()));
    }
    await new Promise<void>((resolve) => this.#udp.close(() => resolve()));
  }

  // ---- The main gateway, as discord.js relays it to @discordjs/voice -------------------------------------------

  /** What discord.js's `guild.voiceAdapterCreator` is for a guild. */
  adapterCreator(guildId: string): DiscordGatewayAdapterCreator {
    return (methods) => {
      this.#adapters.set(guildId, methods);
      return {
        sendPayload: (payload) => {
          const d = (payload as { d: { channel_id: string | null } }).d;
          setImmediate(() => this.#voiceStateRequest(guildId, d.channel_id));
          return true;
        },
        destroy: () => {
          if (this.#adapters.get(guildId) === methods) this.#adapters.delete(guildId);
        },
      };
    };
  }

  onVoiceState(listener: (guildId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  channelOf(guildId: string, userId: string): string | undefined {
    return this.members.get(guildId)?.get(userId);
  }

  /** Members' display names: "User <id>" unless set in `names`. */
  readonly names = new Map<string, string>();

  displayNameOf(_guildId: string, userId: string): string | undefined {
    return this.names.get(userId) ?? `User ${userId}`;
  }

  humansIn(guildId: string, channelId: string): number {
    let humans = 0;
    for (const [user, channel] of this.members.get(guildId) ?? [])
      if (channel === channelId && user !== BOT_ID) humans++;
    return humans;
  }

  /** A user joins (or moves to) a voice channel. */
  enter(guildId: string, userId: string, channelId: string): void {
    const guild = this.members.get(guildId) ?? new Map<string, string>();
    this.members.set(guildId, guild);
    const before = guild.get(userId);
    guild.set(userId, channelId);
    if (!this.#userSsrc.has(userId)) this.#userSsrc.set(userId, randomInt(1, 2 ** 31));
    const session = this.#sessions.get(guildId);
    const botChannel = guild.get(BOT_ID);
    const toBot = this.#dave && before !== channelId ? this.#call(channelId).userJoins(userId) : undefined;
    if (session?.ready && before !== botChannel && channelId === botChannel) {
      this.#send(session, OP.clientsConnect, { user_ids: [userId] });
      if (toBot?.proposals) this.#sendBinary(session, OP.daveMlsProposals, toBot.proposals);
      if (toBot?.announceCommit) this.#sendBinary(session, OP.daveMlsAnnounceCommitTransition, toBot.announceCommit);
    } else if (session?.ready && before === botChannel && channelId !== botChannel) {
      this.#send(session, OP.clientDisconnect, { user_id: userId });
    }
    this.#emitState(guildId);
  }

  leave(guildId: string, userId: string): void {
    const session = this.#sessions.get(guildId);
    if (session?.ready && this.channelOf(guildId, userId) === this.channelOf(guildId, BOT_ID)) {
      this.#send(session, OP.clientDisconnect, { user_id: userId });
    }
    this.members.get(guildId)?.delete(userId);
    this.#emitState(guildId);
  }

  /**
   * A moderator drags the bot to another channel: Discord updates its voice state, allocates a voice session on
   * the new channel's server and closes the old voice socket with 4014.
   */
  moveBot(guildId: string, channelId: string): void {
    const old = this.#sessions.get(guildId);
    this.#join(guildId, channelId);
    old?.ws?.close(4014, 'Disconnected');
  }

  /** The bot is kicked from voice (or its channel deleted): state with no channel, voice socket closed 4014. */
  kickBot(guildId: string): void {
    const session = this.#sessions.get(guildId);
    this.#sessions.delete(guildId);
    this.members.get(guildId)?.delete(BOT_ID);
    this.#adapters.get(guildId)?.onVoiceStateUpdate(this.#statePacket(guildId, null));
    session?.ws?.close(4014, 'Disconnected');
    this.#emitState(guildId);
  }

  /** The guild's voice server changes (region change, server maintenance): a new VOICE_SERVER_UPDATE. */
  changeVoiceServer(guildId: string): void {
    const channelId = this.channelOf(guildId, BOT_ID);
    if (channelId) this.#join(guildId, channelId);
  }

  /** The voice server drops the session: close 4006 ("session no longer valid"); the client must rejoin. */
  invalidateSession(guildId: string): void {
    this.#sessions.get(guildId)?.ws?.close(4006, 'Session no longer valid');
  }

  /** Whether the bot's voice session in this guild is established (UDP discovered, session described). */
  connected(guildId: string): boolean {
    return this.#sessions.get(guildId)?.ready === true;
  }

  sessionCount = 0;

  /**
   * A user speaks: Speaking (op 5) maps their SSRC, then one sealed RTP packet per Opus packet, paced at 20 ms
   * (like a client), with optional loss, reordering and corrupt packets. Resolves when all are sent.
   */
  async speak(guildId: string, userId: string, packets: readonly Buffer[], options: SpeakOptions = {}): Promise<void> {
    const ssrc = this.#userSsrc.get(userId) ?? randomInt(1, 2 ** 31);
    this.#userSsrc.set(userId, ssrc);
    const start = this.#sessions.get(guildId);
    if (start?.ready) this.#send(start, OP.speaking, { user_id: userId, ssrc, speaking: 1 });
    let seed = 12_345;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const order = packets.map((payload, index) => ({ payload, index }));
    for (let i = 0; i + 1 < order.length; i++) {
      if (random() < (options.reorder ?? 0)) [order[i], order[i + 1]] = [order[i + 1] as never, order[i] as never];
    }
    const sequence0 = randomInt(0, 2 ** 16);
    const timestamp0 = randomInt(0, 2 ** 31);
    for (const [slot, { payload, index }] of order.entries()) {
      options.onPacket?.(slot);
      await new Promise((resolve) => setTimeout(resolve, options.pacingMs ?? 20));
      if (random() < (options.loss ?? 0)) continue;
      const session = this.#sessions.get(guildId);
      if (!session?.ready || !session.peer) continue;
      // A user who was not in the channel when this session began is announced on its first packet.
      if (session !== start && !this.#announced.has(`${session.token}:${userId}`)) {
        this.#announced.add(`${session.token}:${userId}`);
        this.#send(session, OP.speaking, { user_id: userId, ssrc, speaking: 1 });
      }
      const key = options.corrupt?.has(slot) ? randomBytes(32) : session.key;
      const channel = this.channelOf(guildId, BOT_ID);
      const frame =
        this.#dave && channel && !options.unencrypted?.has(slot)
          ? this.#call(channel).encrypt(userId, payload)
          : payload;
      session.nonce++;
      const rtp = sealRtp(key, {
        sequence: sequence0 + index,
        timestamp: timestamp0 + index * 960,
        ssrc,
        nonce: session.nonce,
        payload: frame,
      });
      this.#udp.send(rtp, session.peer.port, session.peer.address);
      options.onSent?.(slot, performance.now());
    }
  }

  /** Opus packets the bot sent in this guild (transport-decrypted), across sessions. */
  heard(guildId: string): readonly Buffer[] {
    return this.#heard.get(guildId) ?? [];
  }

  readonly #announced = new Set<string>();

  #call(channelId: string): DaveCall {
    let call = this.#calls.get(channelId);
    if (!call) {
      call = new DaveCall(channelId, this.#sender);
      this.#calls.set(channelId, call);
    }
    return call;
  }

  /** The epoch of the DAVE group in a channel (0 before it has two members). */
  daveEpoch(channelId: string): bigint {
    return this.#calls.get(channelId)?.epoch ?? 0n;
  }

  #voiceStateRequest(guildId: string, channelId: string | null): void {
    if (channelId === null) {
      const session = this.#sessions.get(guildId);
      this.#sessions.delete(guildId);
      session?.ws?.close(4014, 'Disconnected');
      this.members.get(guildId)?.delete(BOT_ID);
      this.#adapters.get(guildId)?.onVoiceStateUpdate(this.#statePacket(guildId, null));
      this.#emitState(guildId);
      return;
    }
    this.joinRequests++;
    if (this.holdJoins) return;
    this.#join(guildId, channelId);
  }

  /** VOICE_STATE_UPDATE then VOICE_SERVER_UPDATE with a fresh token on the next region, as Discord sends them. */
  #join(guildId: string, channelId: string): void {
    const guild = this.members.get(guildId) ?? new Map<string, string>();
    this.members.set(guildId, guild);
    guild.set(BOT_ID, channelId);
    const session: BotSession = {
      guildId,
      token: randomBytes(8).toString('hex'),
      sessionId: randomBytes(16).toString('hex'),
      ssrc: randomInt(1, 2 ** 31),
      key: randomBytes(32),
      ready: false,
      seq: 0,
      nonce: 0,
    };
    const old = this.#sessions.get(guildId);
    this.#sessions.set(guildId, session);
    if (old?.ws) old.ws.close(4014, 'Disconnected');
    const region = this.#regions[this.#region++ % this.#regions.length] as Region;
    const adapter = this.#adapters.get(guildId);
    adapter?.onVoiceStateUpdate(this.#statePacket(guildId, channelId, session.sessionId));
    adapter?.onVoiceServerUpdate({ token: session.token, guild_id: guildId, endpoint: region.endpoint });
    this.#emitState(guildId);
  }

  #statePacket(guildId: string, channelId: string | null, sessionId = '') {
    return {
      guild_id: guildId,
      channel_id: channelId,
      user_id: BOT_ID,
      session_id: sessionId,
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: false,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    } as Parameters<DiscordGatewayAdapterLibraryMethods['onVoiceStateUpdate']>[0];
  }

  #emitState(guildId: string): void {
    for (const listener of this.#listeners) listener(guildId);
  }

  // ---- The voice gateway ------------------------------------------------------------------------------------

  #onSocket(ws: WebSocket): void {
    let session: BotSession | undefined;
    ws.send(JSON.stringify({ op: OP.hello, d: { heartbeat_interval: this.#heartbeatMs } }));
    ws.on('message', (data, binary) => {
      if (binary) {
        if (session) this.#onBinary(session, Buffer.from(data as Buffer));
        return;
      }
      const packet = JSON.parse(String(data)) as { op: number; d: Record<string, unknown> };
      switch (packet.op) {
        case OP.identify:
        case OP.resume: {
          if (this.holdIdentify) return;
          const found = this.#sessions.get(String(packet.d.server_id));
          const valid = found && found.token === packet.d.token && found.sessionId === packet.d.session_id;
          if (!valid || (packet.op === OP.identify && packet.d.user_id !== BOT_ID)) {
            ws.close(4004, 'Authentication failed');
            return;
          }
          if (this.#dave && packet.op === OP.identify && Number(packet.d.max_dave_protocol_version ?? 0) < 1) {
            ws.close(4017, 'E2EE/DAVE protocol required');
            return;
          }
          session = found;
          found.ws?.terminate();
          found.ws = ws;
          if (packet.op === OP.resume) {
            this.#send(found, OP.resumed, null);
            return;
          }
          this.sessionCount++;
          this.#send(found, OP.ready, {
            ssrc: found.ssrc,
            ip: '127.0.0.1',
            port: (this.#udp.address() as AddressInfo).port,
            modes: [AES_GCM_RTPSIZE],
          });
          return;
        }
        case OP.selectProtocol: {
          const data = packet.d.data as { mode: string };
          if (!session || data.mode !== AES_GCM_RTPSIZE) {
            ws.close(4016, 'Unknown encryption mode');
            return;
          }
          this.#send(session, OP.sessionDescription, {
            mode: AES_GCM_RTPSIZE,
            secret_key: [...session.key],
            dave_protocol_version: this.#dave ? 1 : 0,
          });
          if (this.#dave) this.#sendBinary(session, OP.daveMlsExternalSender, this.#sender.serialized());
          session.ready = true;
          const channel = this.channelOf(session.guildId, BOT_ID);
          const others = [...(this.members.get(session.guildId) ?? [])]
            .filter(([user, where]) => where === channel && user !== BOT_ID)
            .map(([user]) => user);
          if (others.length > 0) this.#send(session, OP.clientsConnect, { user_ids: others });
          return;
        }
        case OP.daveTransitionReady: {
          const t = Number(packet.d.transition_id);
          const channel = session && this.channelOf(session.guildId, BOT_ID);
          if (session && channel && this.#call(channel).ready(t)) {
            this.#send(session, OP.daveExecuteTransition, { transition_id: t });
          }
          return;
        }
        case OP.daveMlsInvalidCommitWelcome:
          this.invalidCommits++;
          return;
        case OP.heartbeat:
          this.heartbeats++;
          ws.send(JSON.stringify({ op: OP.heartbeatAck, d: { t: packet.d.t } }));
          return;
        default:
          return;
      }
    });
  }

  #send(session: BotSession, op: number, d: unknown): void {
    session.seq++;
    session.ws?.send(JSON.stringify({ op, d, seq: session.seq }));
  }

  /** Binary voice gateway messages (DAVE): sequence (u16), opcode (u8), payload. */
  #sendBinary(session: BotSession, op: number, payload: Buffer): void {
    session.seq++;
    const head = Buffer.alloc(3);
    head.writeUInt16BE(session.seq & 0xffff, 0);
    head[2] = op;
    session.ws?.send(Buffer.concat([head, payload]));
  }

  /** Binary from the client: opcode (u8), payload. Its commits (op 28) lose to the in-process leader's. */
  #onBinary(session: BotSession, data: Buffer): void {
    const channel = this.channelOf(session.guildId, BOT_ID);
    if (data[0] !== OP.daveMlsKeyPackage || !channel) return;
    const toBot = this.#call(channel).botKeyPackage(BOT_ID, data.subarray(1));
    if (toBot?.welcome) this.#sendBinary(session, OP.daveMlsWelcome, toBot.welcome);
  }

  // ---- UDP --------------------------------------------------------------------------------------------------

  #onUdp(message: Buffer, peer: RemoteInfo): void {
    const discovery = discoveryRequestSsrc(message);
    if (discovery !== undefined) {
      const session = [...this.#sessions.values()].find((s) => s.ssrc === discovery);
      if (!session) return;
      session.peer = peer;
      this.#udp.send(discoveryResponse(discovery, peer.address, peer.port), peer.port, peer.address);
      return;
    }
    if (message.length < 12 + 16 + 4) return; // keep-alives (8 bytes)
    const ssrc = message.readUInt32BE(8);
    const session = [...this.#sessions.values()].find((s) => s.ssrc === ssrc);
    if (!session) return;
    try {
      const { payload: sealed } = openRtp(session.key, message);
      const channel = this.channelOf(session.guildId, BOT_ID);
      const payload = this.#dave && channel ? this.#call(channel).decryptFromBot(BOT_ID, sealed) : sealed;
      // DAVE frames end with the 0xFAFA magic marker (daveprotocol.com "Frame format").
      if (sealed.length > 2 && sealed.readUInt16BE(sealed.length - 2) === 0xfafa) this.daveFrames++;
      if (!payload) {
        this.undecryptable++;
        return;
      }
      const heard = this.#heard.get(session.guildId) ?? [];
      heard.push(payload);
      this.#heard.set(session.guildId, heard);
      this.onHeard?.(session.guildId, payload, performance.now());
    } catch {
      // Not sealed with this session's key: a real server drops it too.
    }
  }
}
