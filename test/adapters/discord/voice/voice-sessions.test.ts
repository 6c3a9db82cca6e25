import { describe, expect, it } from 'vitest';
import type {
  VoiceChannelRef,
  VoiceHost,
  VoiceLink,
  VoiceLinkStatus,
  VoiceLostReason,
} from '../../../../adapters/discord/voice/voice-host.ts';
import {
  type ConversationHandle,
  DiscordVoiceSessions,
  LINES,
} from '../../../../adapters/discord/voice/voice-sessions.ts';
import type { ToolCaller } from '../../../../src/app/tools.ts';
import type { JoinRequest } from '../../../../src/chat/voice-surface.ts';
import { userId } from '../../../../src/domain/ids.ts';
import { addVoiceUsage, emptyVoiceUsage, type VoiceUsageSummary } from '../../../../src/domain/voice/usage.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';
import type { VoiceChannelIo } from '../../../../src/voice/channel-io.ts';
import { FakeClock, settle } from '../../../support/fake-clock.ts';
import { FakePlayer, FakeReceiver, speechPackets } from './voice-fakes.ts';

class FakeLink implements VoiceLink {
  readonly receiver = new FakeReceiver();
  readonly player = new FakePlayer();
  destroyed = false;
  readonly reconnects: string[] = [];
  readonly #lost: ((reason: VoiceLostReason) => void)[] = [];
  onLost(listener: (reason: VoiceLostReason) => void): void {
    this.#lost.push(listener);
  }
  lose(reason: VoiceLostReason = 'kicked'): void {
    for (const l of this.#lost) l(reason);
  }
  reconnect(why: string): void {
    this.reconnects.push(why);
  }
  destroy(): void {
    this.destroyed = true;
  }
  status(): VoiceLinkStatus {
    return { connection: 'ready', encryption: 'aead_aes256_gcm_rtpsize', dave: { protocolVersion: 1, epoch: 3 } };
  }
}

/** Guilds with voice channels `<guild>-general` ("General") and `<guild>-lounge` ("Lounge"); `enter`/`move` place members; the bot is member `bot`. */
class FakeHost implements VoiceHost {
  readonly members = new Map<string, Map<string, string>>();
  readonly links = new Map<string, FakeLink>();
  readonly lines: { readonly channelId: string; line: string }[] = [];
  failConnect = false;
  #listener: ((guildId: string) => void) | undefined;

  enter(guildId: string, userId: string, channel = 'general'): void {
    const guild = this.members.get(guildId) ?? new Map<string, string>();
    guild.set(userId, `${guildId}-${channel}`);
    this.members.set(guildId, guild);
    this.#listener?.(guildId);
  }
  exit(guildId: string, userId: string): void {
    this.members.get(guildId)?.delete(userId);
    this.#listener?.(guildId);
  }
  voiceChannelOf(guildId: string, userId: string): VoiceChannelRef | undefined {
    const id = this.members.get(guildId)?.get(userId);
    return id ? { guildId, id, name: id.endsWith('lounge') ? 'Lounge' : 'General' } : undefined;
  }
  botChannelOf(guildId: string): VoiceChannelRef | undefined {
    return this.voiceChannelOf(guildId, 'bot');
  }
  humansIn(guildId: string, channelId: string): number {
    return [...(this.members.get(guildId)?.entries() ?? [])].filter(([u, c]) => c === channelId && u !== 'bot').length;
  }
  async connect(channel: VoiceChannelRef): Promise<VoiceLink> {
    if (this.failConnect) throw new Error('4017 E2EE/DAVE protocol required');
    this.members.get(channel.guildId)?.set('bot', channel.id);
    const link = new FakeLink();
    this.links.set(channel.guildId, link);
    return link;
  }
  /** Each message as it reads now (edits replace the text). */
  async send(channelId: string, line: string): Promise<string> {
    this.lines.push({ channelId, line });
    return String(this.lines.length - 1);
  }
  async edit(channelId: string, messageId: string, text: string): Promise<void> {
    const message = this.lines[Number(messageId)];
    if (message?.channelId !== channelId) throw new Error(`no message ${messageId} in ${channelId}`);
    message.line = text;
  }
  displayNameOf(_guildId: string, userId: string): string | undefined {
    return ({ u1: 'Ana', u2: 'Ben' } as Record<string, string>)[userId];
  }
  onVoiceStateChange(listener: (guildId: string) => void): () => void {
    this.#listener = listener;
    return () => {
      this.#listener = undefined;
    };
  }
}

interface Started {
  io: VoiceChannelIo;
  request: JoinRequest;
  invoker: ToolCaller;
  stopped: number;
  finish?: (error?: Error) => void;
}

const aSummary: VoiceUsageSummary = {
  durationMs: 0,
  usage: addVoiceUsage(emptyVoiceUsage, { meter: 'transcribe', audioSeconds: 60 }),
  costUsd: 0.024,
};

const setup = (options: { stopThrows?: boolean; engines?: readonly JoinRequest['engine'][] } = {}) => {
  const host = new FakeHost();
  const clock = new FakeClock();
  const started: Started[] = [];
  const sessions = new DiscordVoiceSessions({
    host,
    clock,
    log: silentLogger,
    aloneTimeoutMs: 30_000,
    stallMs: 3_000,
    rejoins: { max: 2, windowMs: 60_000 },
    ...(options.engines ? { engines: options.engines } : {}),
    startConversation: (io, request, invoker): ConversationHandle => {
      const entry: Started = { io, request, invoker, stopped: 0 };
      started.push(entry);
      const done = new Promise<void>((resolve, reject) => {
        entry.finish = (error) => (error ? reject(error) : resolve());
      });
      return {
        stop: async () => {
          entry.stopped++;
          if (options.stopThrows) throw new Error('stream already closed');
        },
        done,
        // What the conversation used, read once it has stopped.
        summary: () => ({ ...aSummary, durationMs: entry.stopped * 60_000 }),
      };
    },
  });
  return { host, clock, started, sessions };
};

const request: JoinRequest = { engine: 'sonic', listen: 'everyone', transcripts: true };

describe('DiscordVoiceSessions', () => {
  it('joins the caller’s channel, starts the conversation for them, and leaves on /leave', async () => {
    const { host, started, sessions } = setup();
    host.enter('g1', 'u1');
    const voice = sessions.voiceFor('g1', 'u1');
    expect(await voice.join(request)).toEqual({ ok: true, value: { channelName: 'General' } });
    expect(started).toHaveLength(1);
    // The order tools of a voice session see the speaker's orders of this guild only.
    expect(started[0]?.invoker).toEqual({ user: 'discord:u1', isStaff: false, space: 'discord:g1' });
    expect(started[0]?.request).toEqual(request);
    expect(await voice.join(request)).toMatchObject({ ok: false, error: { code: 'voice.already_joined' } });
    expect(await voice.leave()).toEqual({ ok: true, value: { summary: { ...aSummary, durationMs: 60_000 } } });
    expect(started[0]?.stopped).toBe(1);
    expect(host.links.get('g1')?.destroyed).toBe(true);
    expect(await voice.leave()).toMatchObject({ ok: false, error: { code: 'voice.not_joined' } });
    expect(host.lines).toEqual([]);
  });

  it('says what to do when the caller is not in a voice channel or the connection fails', async () => {
    const { host, sessions } = setup();
    expect(await sessions.voiceFor('g1', 'u1').join(request)).toMatchObject({
      ok: false,
      error: { code: 'voice.not_in_channel', message: 'Join a voice channel first, then run /join.' },
    });
    host.enter('g1', 'u1');
    host.failConnect = true;
    expect(await sessions.voiceFor('g1', 'u1').join(request)).toMatchObject({
      ok: false,
      error: { code: 'voice.connect_failed' },
    });
    host.failConnect = false;
    expect(await sessions.voiceFor('g1', 'u1').join(request)).toMatchObject({ ok: true });
  });

  it('refuses an engine that is not configured, before connecting', async () => {
    const { host, started, sessions } = setup({ engines: ['cascade'] });
    host.enter('g1', 'u1');
    expect(await sessions.voiceFor('g1', 'u1').join(request)).toMatchObject({
      ok: false,
      error: { code: 'voice.engine_unavailable', hint: 'Use engine:cascade.' },
    });
    expect(host.links.size).toBe(0);
    expect(started).toHaveLength(0);
  });

  it('leaves quietly when the conversation ends by itself (the loop already said why)', async () => {
    const { host, started, sessions } = setup();
    host.enter('g1', 'u1');
    await sessions.voiceFor('g1', 'u1').join(request);
    started[0]?.finish?.();
    await settle();
    expect(sessions.guilds).toEqual([]);
    expect(host.links.get('g1')?.destroyed).toBe(true);
    expect(host.lines).toEqual([]);
  });

  it('hears the speakers through the io, and only the caller with listen=me', async () => {
    const { host, started, sessions } = setup();
    host.enter('g1', 'u1');
    host.enter('g1', 'u2');
    await sessions.voiceFor('g1', 'u1').join({ ...request, listen: 'me' });
    const link = host.links.get('g1') as FakeLink;
    const heard: string[] = [];
    const reading = (async () => {
      for await (const { speaker, frame } of started[0]?.io.speech ?? []) {
        heard.push(speaker);
        expect(frame).toMatchObject({ sampleRate: 48_000, channels: 2 });
      }
    })();
    const [packet] = speechPackets().slice(40, 41);
    link.receiver.packet('u2', packet as Buffer);
    link.receiver.packet('u1', packet as Buffer);
    await settle();
    expect(link.receiver.requests.map((r) => r.userId)).toEqual(['u1']);
    expect(link.receiver.requests[0]?.end).toMatchObject({ behavior: 1 });
    await sessions.voiceFor('g1', 'u1').leave();
    await reading;
    expect(heard).toEqual(['discord:u1']);
  });

  it('/voice status: engine, link and DAVE state, each speaker by name with packets, rejoins; io names speakers', async () => {
    const { host, started, sessions } = setup();
    host.enter('g1', 'u1');
    host.enter('g1', 'u2');
    const voice = sessions.voiceFor('g1', 'u1');
    expect(voice.status?.()).toMatchObject({ ok: false, error: { code: 'voice.not_joined' } });
    await voice.join(request);
    const link = host.links.get('g1') as FakeLink;
    const io = started[0]?.io;
    expect(io?.nameOf?.(userId('discord', 'u2'))).toBe('Ben');
    expect(io?.messages?.maxLength).toBe(2_000);
    const reading = (async () => {
      for await (const _ of io?.speech ?? []) {
        // drained
      }
    })();
    for (const packet of speechPackets().slice(40, 50)) link.receiver.packet('u1', packet);
    for (const packet of speechPackets().slice(40, 43)) link.receiver.packet('u2', packet);
    await settle();
    const status = voice.status?.();
    expect(status).toMatchObject({
      ok: true,
      value: {
        channelName: 'General',
        engine: 'sonic',
        listen: 'everyone',
        connection: 'ready',
        encryption: 'aead_aes256_gcm_rtpsize',
        dave: { protocolVersion: 1, epoch: 3 },
        renewals: 0,
        rejoins: 0,
        turns: 0,
      },
    });
    const speakers = status?.ok ? status.value.speakers : [];
    expect(speakers.map((s) => [s.name, s.received, s.decoded])).toEqual([
      ['Ana', 10, 10],
      ['Ben', 3, 3],
    ]);
    await voice.leave();
    await reading;
  });

  it('a lost connection ends the session with one line, and /join works again', async () => {
    const { host, started, sessions } = setup();
    host.enter('g1', 'u1');
    await sessions.voiceFor('g1', 'u1').join(request);
    host.links.get('g1')?.lose();
    host.links.get('g1')?.lose();
    await settle();
    expect(host.lines).toEqual([{ channelId: 'g1-general', line: LINES.disconnected }]);
    expect(started[0]?.stopped).toBe(1);
    expect(sessions.guilds).toEqual([]);
    expect(await sessions.voiceFor('g1', 'u1').join(request)).toMatchObject({ ok: true });
  });

  it('DAVE decrypt failures drop frames and rejoin past the threshold; only repeated rejoins end the talk', async () => {
    const { host, clock, started, sessions } = setup();
    host.enter('g1', 'u1');
    await sessions.voiceFor('g1', 'u1').join(request);
    const link = host.links.get('g1') as FakeLink;
    const fail = async (): Promise<void> => {
      link.receiver.packet('u1', Buffer.from([0xf8, 0xff, 0xfe]));
      link.receiver.subscriptions.get('u1')?.destroy(new Error('DecryptionFailed(UnencryptedWhenPassthroughDisabled)'));
      link.receiver.speaking.users.delete('u1');
      await settle();
    };
    for (let i = 0; i < 2; i++) await fail();
    expect(link.reconnects).toEqual([]);
    await fail();
    expect(link.reconnects).toEqual(['decrypt']);
    expect(started[0]?.stopped).toBe(0);
    // The speaker is heard again after the failures: a new subscription took over.
    link.receiver.packet('u1', speechPackets()[40] as Buffer);
    expect(link.receiver.subscriptions.has('u1')).toBe(true);
    for (let i = 0; i < 3; i++) await fail();
    expect(link.reconnects).toEqual(['decrypt', 'decrypt']);
    expect(host.lines).toEqual([]);
    // A third rejoin within the window is one too many: the session ends with one line.
    await clock.advance(1_000);
    for (let i = 0; i < 3; i++) await fail();
    expect(link.reconnects).toHaveLength(2);
    expect(host.lines).toEqual([{ channelId: 'g1-general', line: LINES.decryption }]);
    expect(started[0]?.stopped).toBe(1);
    expect(sessions.guilds).toEqual([]);
  });

  it('the watchdog rejoins when packets arrive but nothing decodes ("connected but deaf")', async () => {
    const { host, clock, started, sessions } = setup();
    host.enter('g1', 'u1');
    await sessions.voiceFor('g1', 'u1').join(request);
    const link = host.links.get('g1') as FakeLink;
    const speech = speechPackets().slice(40, 60);
    // Healthy: speaking and decoding for 5 s is no alarm.
    for (let t = 0; t < 5; t++) {
      link.receiver.packet('u1', speech[t] as Buffer);
      await settle();
      await clock.advance(1_000);
    }
    expect(link.reconnects).toEqual([]);
    // Deaf: the speaking map still says u1 speaks (packets arrive) but nothing reaches the decoder for 3 s.
    await clock.advance(2_000);
    expect(link.reconnects).toEqual(['deaf']);
    expect(started[0]?.stopped).toBe(0);
    // After the rejoin the watchdog gives it the full time again before judging, then asks again.
    await clock.advance(2_000);
    expect(link.reconnects).toEqual(['deaf']);
    await clock.advance(1_000);
    expect(link.reconnects).toEqual(['deaf', 'deaf']);
    // Nobody speaking is not deafness.
    link.receiver.stopSpeaking('u1');
    await clock.advance(10_000);
    expect(link.reconnects).toEqual(['deaf', 'deaf']);
    expect(sessions.guilds).toEqual(['g1']);
  });

  it('follows the bot when it is moved: transcripts go to the new chat and the alone timer counts its members', async () => {
    const { host, clock, started, sessions } = setup();
    host.enter('g1', 'u1');
    await sessions.voiceFor('g1', 'u1').join(request);
    // A moderator drags the bot and u1 into the Lounge (u1 first: for a moment the bot is alone).
    host.enter('g1', 'u1', 'lounge');
    await clock.advance(20_000);
    host.enter('g1', 'bot', 'lounge');
    await clock.advance(20_000);
    expect(sessions.guilds).toEqual(['g1']);
    await started[0]?.io.post('🗣️ u1: hello');
    expect(host.lines).toEqual([{ channelId: 'g1-lounge', line: '🗣️ u1: hello' }]);
    // Someone left behind in General does not keep the bot: it is the Lounge that counts.
    host.enter('g1', 'u2');
    host.exit('g1', 'u1');
    await clock.advance(30_000);
    expect(sessions.guilds).toEqual([]);
    expect(host.lines.at(-1)).toEqual({ channelId: 'g1-lounge', line: LINES.alone });
  });

  it('a connection that cannot come back ends the session with a line and stops the model stream', async () => {
    const { host, started, sessions } = setup();
    host.enter('g1', 'u1');
    host.enter('g2', 'u9');
    await sessions.voiceFor('g1', 'u1').join(request);
    await sessions.voiceFor('g2', 'u9').join(request);
    host.links.get('g1')?.lose('reconnect_failed');
    host.links.get('g2')?.lose('kicked');
    await settle();
    expect(host.lines).toEqual([
      { channelId: 'g1-general', line: LINES.reconnectFailed },
      { channelId: 'g2-general', line: LINES.disconnected },
    ]);
    expect(started.map((s) => s.stopped)).toEqual([1, 1]);
    expect(host.links.get('g1')?.destroyed).toBe(true);
    expect(sessions.guilds).toEqual([]);
  });

  it('leaves when alone for the timeout, but not if someone comes back first', async () => {
    const { host, clock, sessions } = setup();
    host.enter('g1', 'u1');
    await sessions.voiceFor('g1', 'u1').join(request);
    host.exit('g1', 'u1');
    await clock.advance(20_000);
    host.enter('g1', 'u2');
    await clock.advance(20_000);
    expect(sessions.guilds).toEqual(['g1']);
    host.exit('g1', 'u2');
    await clock.advance(30_000);
    expect(sessions.guilds).toEqual([]);
    expect(host.lines.map((l) => l.line)).toEqual([LINES.alone]);
  });

  it('one guild crashing (conversation failure, stop that throws) leaves the other guild talking', async () => {
    const { host, started, sessions } = setup({ stopThrows: true });
    host.enter('g1', 'u1');
    host.enter('g2', 'u9');
    await sessions.voiceFor('g1', 'u1').join(request);
    await sessions.voiceFor('g2', 'u9').join(request);
    started[0]?.finish?.(new Error('ModelStreamErrorException'));
    await settle();
    expect(sessions.guilds).toEqual(['g2']);
    expect(host.lines).toEqual([{ channelId: 'g1-general', line: LINES.ended }]);
    expect(host.links.get('g1')?.destroyed).toBe(true);
    expect(host.links.get('g2')?.destroyed).toBe(false);
    expect(started[1]?.stopped).toBe(0);
    await sessions.close();
    expect(sessions.guilds).toEqual([]);
  });
});
