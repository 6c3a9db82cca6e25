import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import { isEmptyVoiceUsage, type VoiceUsageSummary } from '../src/domain/voice/usage.ts';
import { NO_VOICE_MESSAGE } from './join.ts';

/** /leave: ends the voice conversation and leaves the channel, saying what the conversation used. */
export const leaveCommand = defineCommand({
  name: 'leave',
  description: 'End the voice conversation and leave the voice channel',
  visibility: 'public',
  surfaces: ['discord', 'web'],
  // A voice channel belongs to a server.
  places: ['server'],
  options: {},
  async run(ctx) {
    if (!ctx.voice) return errorReply({ code: 'voice.unsupported', message: NO_VOICE_MESSAGE });
    const left = await ctx.voice.leave();
    if (!left.ok) return errorReply(left.error);
    const { summary } = left.value;
    if (!summary || isEmptyVoiceUsage(summary.usage)) return text('Left the voice channel. Bye!');
    return text(`Left the voice channel. This conversation: ${describeVoiceUsage(summary)}.`);
  },
});

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "4 min, about $0.05 (speech 3,100 in / 4,800 out tokens)"; the cost only when every meter had a price. */
export function describeVoiceUsage(summary: VoiceUsageSummary): string {
  const { usage, costUsd } = summary;
  const tokens = (label: string, input: number, output: number) =>
    input + output > 0 ? [`${label} ${count.format(input)} in / ${count.format(output)} out tokens`] : [];
  const characters = Object.values(usage.pollyCharacters).reduce((sum, c) => sum + (c ?? 0), 0);
  const parts = [
    ...tokens('speech', usage.sonic.speechInputTokens, usage.sonic.speechOutputTokens),
    ...tokens('text', usage.sonic.textInputTokens, usage.sonic.textOutputTokens),
    ...Object.entries(usage.textModels).flatMap(([model, t]) => tokens(model, t.inputTokens, t.outputTokens)),
    ...(usage.transcribeSeconds > 0 ? [`${duration(usage.transcribeSeconds * 1000)} transcribed`] : []),
    ...(characters > 0 ? [`${count.format(characters)} characters spoken`] : []),
  ];
  const cost = costUsd === undefined ? '' : costUsd < 0.01 ? ', under $0.01' : `, about $${costUsd.toFixed(2)}`;
  return `${duration(summary.durationMs)}${cost} (${parts.join(', ')})`;
}

const duration = (ms: number): string =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;
