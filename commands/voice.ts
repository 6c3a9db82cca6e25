import { defineCommand } from '../src/chat/command.ts';
import { errorReply, text } from '../src/chat/reply.ts';
import type { SpeakerReceiveStatus, VoiceStatus } from '../src/chat/voice-surface.ts';
import { NO_VOICE_MESSAGE } from './join.ts';

/** /voice status: the running voice conversation's engine, connection, encryption, receive and latency figures. */
export const voiceCommand = defineCommand({
  name: 'voice',
  description: 'Show how the voice conversation is doing (engine, connection, packets, latency)',
  visibility: 'ephemeral',
  // On surfaces without voice (Slack) it says where voice works.
  places: ['server'],
  options: {
    what: {
      type: 'string',
      description: 'What to show (default: status)',
      required: false,
      choices: [{ name: 'status', value: 'status' }],
    },
  },
  async run(ctx) {
    if (!ctx.voice) return errorReply({ code: 'voice.unsupported', message: NO_VOICE_MESSAGE });
    if (!ctx.voice.status) {
      return errorReply({ code: 'voice.no_status', message: 'This voice surface does not report its status.' });
    }
    const status = ctx.voice.status();
    if (!status.ok) return errorReply(status.error);
    return text(describeVoiceStatus(status.value));
  },
});

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The status as a few short lines (Markdown); names are shown as code so none can format or mention. */
export function describeVoiceStatus(s: VoiceStatus): string {
  const engine = s.engine === 'sonic' ? 'Nova 2 Sonic' : 'cascade';
  const encryption = [
    ...(s.encryption ? [`transport \`${s.encryption}\``] : []),
    s.dave
      ? `DAVE v${s.dave.protocolVersion}${s.dave.epoch === undefined ? ' (no group yet)' : `, epoch ${s.dave.epoch}`}`
      : 'no DAVE session',
  ];
  const latency = s.voiceToVoiceMs
    ? `p50 ${Math.round(s.voiceToVoiceMs.p50)} ms, p95 ${Math.round(s.voiceToVoiceMs.p95)} ms over ${s.turns} turn${s.turns === 1 ? '' : 's'}`
    : 'no answered turn yet';
  const lines = [
    `**Voice in ${code(s.channelName)}** for ${minutes(s.durationMs)}: ${engine}${s.model ? ` (${code(s.model)})` : ''}, listening to ${s.listen === 'me' ? 'the person who ran /join' : 'everyone'}.`,
    `Connection: ${s.connection}; ${encryption.join('; ')}.`,
    `Sessions renewed: ${s.renewals}${s.rejoins === undefined ? '' : `; rejoins: ${s.rejoins}`}.`,
    `Voice-to-voice (end of your speech → first bot audio): ${latency}.`,
    ...(s.speakers.length === 0 ? ['Nobody heard yet.'] : ['Heard:', ...s.speakers.map(speakerLine)]),
  ];
  return lines.join('\n');
}

function speakerLine(s: SpeakerReceiveStatus): string {
  const lost = s.received + s.lost === 0 ? 0 : (100 * s.lost) / (s.received + s.lost);
  return (
    `- ${code(s.name)}: ${count.format(s.received)} packets received, ${count.format(s.decoded)} decoded, ` +
    `${count.format(s.lost)} lost (${lost.toFixed(1)}%, ${count.format(s.concealed)} concealed)` +
    (s.failures > 0 ? `, ${count.format(s.failures)} decrypt failures` : '')
  );
}

const code = (value: string): string => `\`${value.replaceAll('`', "'")}\``;

const minutes = (ms: number): string =>
  ms < 60_000 ? `${Math.max(0, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} min`;
