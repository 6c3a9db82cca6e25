import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dynamo, makeDynamo } from '../../../../adapters/aws/dynamo-client.ts';
import { ensureCoordinationTable } from '../../../../adapters/aws/dynamo-coordination-table.ts';
import { DynamoLeases } from '../../../../adapters/aws/dynamo-leases.ts';
import { type GuildVoice, VoiceLeaseGuard } from '../../../../adapters/discord/voice/voice-lease.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../../adapters/local/embedded-dynalite.ts';
import type { JoinRequest, VoiceSurface } from '../../../../src/chat/voice-surface.ts';
import { appError, err, ok } from '../../../../src/domain/result.ts';
import { silentLogger } from '../../../../src/ports/logger.ts';
import type { Leases } from '../../../../src/ports/shared-state.ts';

/** One process's voice sessions, reduced to what the guard sees: which guilds have one. */
class FakeGuildVoice implements GuildVoice {
  readonly sessions = new Set<string>();
  joins = 0;
  refuse = false;

  get guilds(): readonly string[] {
    return [...this.sessions];
  }

  voiceFor(guildId: string): VoiceSurface {
    return {
      join: async () => {
        this.joins++;
        if (this.refuse) return err(appError('voice.not_in_channel', 'Join a voice channel first.'));
        this.sessions.add(guildId);
        return ok({ channelName: 'General' });
      },
      leave: async () => {
        if (!this.sessions.delete(guildId)) return err(appError('voice.not_joined', 'not here'));
        return ok({});
      },
    };
  }
}

const request: JoinRequest = { engine: 'sonic', listen: 'everyone', transcripts: false };
const TTL = 30_000;
const clock = { now: 1_800_000_000_000 };

describe('voice session ownership as a lease (two replicas, one shared store)', () => {
  let dynamo: EmbeddedDynamo;
  const clients: Dynamo[] = [];
  let leases: () => Leases;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    leases = () => {
      const client = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint });
      clients.push(client);
      return new DynamoLeases(client.doc, { tableName: 'coordination', now: () => clock.now });
    };
    const setup = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint });
    clients.push(setup);
    await ensureCoordinationTable(setup.client, 'coordination');
  });
  afterAll(async () => {
    for (const c of clients) c.client.destroy();
    await dynamo.close();
  });

  const replica = (owner: string) => {
    const voice = new FakeGuildVoice();
    const guard = new VoiceLeaseGuard(voice, {
      leases: leases(),
      owner,
      ttlMs: TTL,
      renewEveryMs: 0,
      log: silentLogger,
    });
    return { voice, guard, join: (guild: string) => guard.voiceFor(guild, 'U1').join(request) };
  };

  it('refuses a second replica a session in a guild whose lease is held, without connecting', async () => {
    const a = replica('a');
    const b = replica('b');
    expect((await a.join('G1')).ok).toBe(true);
    const refused = await b.join('G1');
    expect(refused).toMatchObject({ ok: false, error: { code: 'voice.owned_elsewhere' } });
    expect(b.voice.joins).toBe(0);
    // Other guilds are free.
    expect((await b.join('G2')).ok).toBe(true);
    // /leave on the owner gives the guild back.
    expect((await a.guard.voiceFor('G1', 'U1').leave()).ok).toBe(true);
    expect(a.guard.held).toEqual([]);
    expect((await b.join('G1')).ok).toBe(true);
  });

  it("frees a crashed owner's guild once its lease expires, not before", async () => {
    const a = replica('a2');
    const b = replica('b2');
    expect((await a.join('G3')).ok).toBe(true);
    clock.now += TTL / 3;
    await a.guard.renewNow();
    // A crashes here: no more renewals.
    clock.now += TTL - 1;
    expect((await b.join('G3')).ok).toBe(false);
    clock.now += 2;
    expect((await b.join('G3')).ok).toBe(true);
    // A comes back (a long GC pause, not a crash): its renewal fails and it ends its own session.
    await a.guard.renewNow();
    expect(a.voice.sessions.has('G3')).toBe(false);
    expect(b.voice.sessions.has('G3')).toBe(true);
    expect(a.guard.held).toEqual([]);
  });

  it('releases the lease when the session ends by itself (alone, connection lost)', async () => {
    const a = replica('a3');
    const b = replica('b3');
    expect((await a.join('G4')).ok).toBe(true);
    a.voice.sessions.delete('G4');
    await a.guard.renewNow();
    expect((await b.join('G4')).ok).toBe(true);
  });

  it('gives the lease back when the join itself is refused', async () => {
    const a = replica('a4');
    const b = replica('b4');
    a.voice.refuse = true;
    expect(await a.join('G5')).toMatchObject({ ok: false, error: { code: 'voice.not_in_channel' } });
    expect(a.guard.held).toEqual([]);
    expect((await b.join('G5')).ok).toBe(true);
  });

  it('lets exactly one of two replicas start a session when both /join at once', async () => {
    const a = replica('a5');
    const b = replica('b5');
    const [ra, rb] = await Promise.all([a.join('G6'), b.join('G6')]);
    expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1);
    expect(a.voice.sessions.size + b.voice.sessions.size).toBe(1);
    await a.guard.close();
    await b.guard.close();
  });
});
