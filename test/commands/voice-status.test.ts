import { describe, expect, it } from 'vitest';
import { describeVoiceStatus, voiceCommand } from '../../commands/voice.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import type { VoiceStatus, VoiceSurface } from '../../src/chat/voice-surface.ts';
import { appError, err, ok } from '../../src/domain/result.ts';
import { aCommandContext } from '../support/command-context.ts';

const aStatus: VoiceStatus = {
  channelName: 'General',
  engine: 'sonic',
  model: 'amazon.nova-2-sonic-v1:0',
  listen: 'everyone',
  connection: 'ready',
  encryption: 'aead_aes256_gcm_rtpsize',
  dave: { protocolVersion: 1, epoch: 4 },
  speakers: [
    { name: 'Ana', received: 1_480, decoded: 1_480, lost: 20, concealed: 18, failures: 0 },
    { name: 'Ben `x`', received: 300, decoded: 296, lost: 0, concealed: 0, failures: 4 },
  ],
  renewals: 2,
  rejoins: 1,
  turns: 12,
  voiceToVoiceMs: { p50: 812.4, p95: 1_390.6 },
  durationMs: 15 * 60_000,
};

const surface = (status: VoiceSurface['status']): VoiceSurface => ({
  join: async () => ok({ channelName: 'General' }),
  leave: async () => ok({}),
  ...(status ? { status } : {}),
});

describe('/voice status', () => {
  it('shows engine, model, connection, DAVE, renewals, latency and each speaker’s packets', async () => {
    const ctx = aCommandContext({ place: { platform: 'discord' }, voice: surface(() => ok(aStatus)) });
    const reply = await runCommand(voiceCommand, ctx, { what: 'status' });
    expect(reply.kind).toBe('text');
    const shown = reply.kind === 'text' ? reply.text : '';
    expect(shown).toBe(describeVoiceStatus(aStatus));
    expect(shown).toContain('Nova 2 Sonic (`amazon.nova-2-sonic-v1:0`), listening to everyone');
    expect(shown).toContain('Connection: ready; transport `aead_aes256_gcm_rtpsize`; DAVE v1, epoch 4.');
    expect(shown).toContain('Sessions renewed: 2; rejoins: 1.');
    expect(shown).toContain('p50 812 ms, p95 1391 ms over 12 turns');
    expect(shown).toContain('- `Ana`: 1,480 packets received, 1,480 decoded, 20 lost (1.3%, 18 concealed)');
    // A name cannot break out of its code span.
    expect(shown).toContain("- `Ben 'x'`: 300 packets received, 296 decoded, 0 lost (0.0%, 0 concealed), 4 decrypt");
  });

  it('says when nothing was measured yet, and when there is no DAVE session', () => {
    const quiet = describeVoiceStatus({
      ...aStatus,
      dave: undefined,
      speakers: [],
      turns: 0,
      voiceToVoiceMs: undefined,
    } as unknown as VoiceStatus);
    expect(quiet).toContain('no DAVE session');
    expect(quiet).toContain('no answered turn yet');
    expect(quiet).toContain('Nobody heard yet.');
  });

  it('passes on the surface error when no conversation runs', async () => {
    const ctx = aCommandContext({
      place: { platform: 'discord' },
      voice: surface(() => err(appError('voice.not_joined', 'I am not in a voice channel here.'))),
    });
    expect(await runCommand(voiceCommand, ctx, {})).toMatchObject({ kind: 'error', code: 'voice.not_joined' });
  });

  it('on Slack (no voice) says voice is Discord’s and the playground’s', async () => {
    const slack = aCommandContext({ place: { platform: 'slack' } });
    expect(await runCommand(voiceCommand, slack, {})).toMatchObject({
      kind: 'error',
      code: 'voice.unsupported',
      message: 'Voice works on Discord and the playground.',
    });
  });
});
