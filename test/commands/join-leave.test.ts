import { describe, expect, it } from 'vitest';
import { joinCommand } from '../../commands/join.ts';
import { leaveCommand } from '../../commands/leave.ts';
import type { AskDeps } from '../../src/app/ask/deps.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import type { JoinRequest, VoiceSurface } from '../../src/chat/voice-surface.ts';
import type { ModelId } from '../../src/domain/ids.ts';
import { appError, err, ok } from '../../src/domain/result.ts';
import { addVoiceUsage, emptyVoiceUsage, type VoiceUsageSummary } from '../../src/domain/voice/usage.ts';
import { aCommandContext } from '../support/command-context.ts';
import { aCatalog, aModel } from '../support/models.ts';

class RecordingVoice implements VoiceSurface {
  readonly joins: JoinRequest[] = [];
  leaves = 0;
  joined = false;
  /** What leave() reports, as a surface that ran a conversation would. */
  summary: VoiceUsageSummary | undefined;
  async join(request: JoinRequest) {
    this.joins.push(request);
    if (this.joined) return err(appError('voice.already_joined', 'I am already in General here.'));
    this.joined = true;
    return ok({ channelName: 'General' });
  }
  async leave() {
    this.leaves++;
    if (!this.joined) return err(appError('voice.not_joined', 'I am not in a voice channel here.'));
    this.joined = false;
    return ok(this.summary ? { summary: this.summary } : {});
  }
}

describe('/join and /leave', () => {
  it('join with defaults, then leave', async () => {
    const voice = new RecordingVoice();
    const ctx = aCommandContext({ place: { platform: 'discord' }, voice });
    const joined = await runCommand(joinCommand, ctx, {});
    expect(joined).toMatchObject({ kind: 'text' });
    expect(joined.kind === 'text' && joined.text).toContain('General');
    expect(voice.joins).toEqual([{ engine: 'sonic', listen: 'everyone', transcripts: true }]);
    expect(await runCommand(leaveCommand, ctx, {})).toMatchObject({ kind: 'text' });
    expect(await runCommand(leaveCommand, ctx, {})).toMatchObject({ kind: 'error', code: 'voice.not_joined' });
  });

  it('passes the chosen engine, voice, listener and transcripts', async () => {
    const voice = new RecordingVoice();
    const ctx = aCommandContext({ voice });
    await runCommand(joinCommand, ctx, { engine: 'cascade', voice: 'Joanna', listen: 'me', transcripts: false });
    expect(voice.joins).toEqual([{ engine: 'cascade', voice: 'joanna', listen: 'me', transcripts: false }]);
  });

  it('lets the cascade run on a chosen catalog model, and says why a model does not fit', async () => {
    const voice = new RecordingVoice();
    const ask = { catalog: aCatalog([aModel('nova-lite'), aModel('claude-haiku-4-5')]) } as unknown as AskDeps;
    const ctx = aCommandContext({ voice, deps: { ask } });
    expect(await runCommand(joinCommand, ctx, { model: 'claude-haiku-4-5' })).toMatchObject({
      code: 'voice.model_needs_cascade',
    });
    expect(await runCommand(joinCommand, ctx, { engine: 'cascade', model: 'gpt-x' })).toMatchObject({
      code: 'ask.unknown_model',
    });
    expect(voice.joins).toEqual([]);
    await runCommand(joinCommand, ctx, { engine: 'cascade', model: 'claude-haiku-4-5' });
    expect(voice.joins).toEqual([
      { engine: 'cascade', listen: 'everyone', transcripts: true, model: 'claude-haiku-4-5' },
    ]);
  });

  it('shows the surface error as is, and rejects a voice that is not a name', async () => {
    const voice = new RecordingVoice();
    voice.joined = true;
    const ctx = aCommandContext({ voice });
    expect(await runCommand(joinCommand, ctx, {})).toMatchObject({ kind: 'error', code: 'voice.already_joined' });
    expect(await runCommand(joinCommand, ctx, { voice: 'x; drop' })).toMatchObject({
      kind: 'error',
      code: 'voice.bad_voice',
    });
  });

  it('explains where voice works when the surface has none', async () => {
    const slack = aCommandContext({ place: { platform: 'slack' } });
    expect(await runCommand(joinCommand, slack, {})).toMatchObject({ code: 'input.not_on_this_platform' });
    const ctx = aCommandContext({ place: { platform: 'discord' } });
    for (const command of [joinCommand, leaveCommand]) {
      expect(await runCommand(command, ctx, {})).toMatchObject({
        kind: 'error',
        code: 'voice.unsupported',
        message: 'Voice works on Discord and the playground.',
      });
    }
  });

  it('says at /leave how long the conversation ran, what it used and what it cost', async () => {
    const voice = new RecordingVoice();
    const ctx = aCommandContext({ voice });
    await runCommand(joinCommand, ctx, {});
    voice.summary = {
      durationMs: 4 * 60_000 + 10_000,
      usage: addVoiceUsage(emptyVoiceUsage, {
        meter: 'sonic',
        speechInputTokens: 3_100,
        speechOutputTokens: 4_800,
        textInputTokens: 0,
        textOutputTokens: 0,
      }),
      costUsd: 0.0669,
    };
    expect(await runCommand(leaveCommand, ctx, {})).toEqual({
      kind: 'text',
      text: 'Left the voice channel. This conversation: 4 min, about $0.07 (speech 3,100 in / 4,800 out tokens).',
    });
  });

  it('names the cascade meters, and leaves the cost out when it could not be priced', async () => {
    const voice = new RecordingVoice();
    const ctx = aCommandContext({ voice });
    await runCommand(joinCommand, ctx, { engine: 'cascade' });
    let usage = addVoiceUsage(emptyVoiceUsage, {
      meter: 'textModel',
      model: 'nova-lite' as ModelId,
      inputTokens: 1_200,
      outputTokens: 300,
    });
    usage = addVoiceUsage(usage, { meter: 'transcribe', audioSeconds: 45.2 });
    usage = addVoiceUsage(usage, { meter: 'polly', engine: 'neural', characters: 812 });
    voice.summary = { durationMs: 47_000, usage };
    const reply = await runCommand(leaveCommand, ctx, {});
    expect(reply.kind === 'text' && reply.text).toBe(
      'Left the voice channel. This conversation: 47 s (nova-lite 1,200 in / 300 out tokens, 45 s transcribed, ' +
        '812 characters spoken).',
    );
  });

  it('says nothing about cost when the conversation used nothing', async () => {
    const voice = new RecordingVoice();
    const ctx = aCommandContext({ voice });
    await runCommand(joinCommand, ctx, {});
    voice.summary = { durationMs: 5_000, usage: emptyVoiceUsage, costUsd: 0 };
    const reply = await runCommand(leaveCommand, ctx, {});
    expect(reply.kind === 'text' && reply.text).toBe('Left the voice channel. Bye!');
  });
});
