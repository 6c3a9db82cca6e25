/**
 * Voice-to-voice latency the bot adds end to end through a loopback Discord voice server (the real
 * @discordjs/voice client, our link, sessions, conversation loop, Opus decode/encode, pacing and jitter buffer;
 * the model is a stand-in that answers instantly, so its own thinking time is not counted):
 *   - in:  a user's RTP packet leaves the voice server → its speech reaches the model (sendAudio);
 *   - out: the model emits speech → the first non-silent RTP packet from the bot reaches the voice server.
 * Their sum is what the bot adds to whatever the model takes. DAVE is on (as Discord requires): the fake user is a
 * davey member, so frames are DAVE-encrypted and decrypted both ways. Loopback only; figures are noisy on a shared
 * machine.
 */
import tls from 'node:tls';
import OpusScript from 'opusscript';
import { DiscordVoiceSessions } from '../adapters/discord/voice/voice-sessions.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { startVoiceConversation } from '../src/voice/conversation-loop.ts';
import type { PcmFrame } from '../src/voice/pcm.ts';
import { speechPackets, speechPcm } from '../test/adapters/discord/voice/voice-fakes.ts';
import { FakeDiscordVoice } from '../test/support/fake-discord-voice/fake-discord-voice.ts';
import { LoopbackVoiceHost } from '../test/support/fake-discord-voice/loopback-voice-host.ts';
import { ScriptedVoiceModel } from '../test/support/voice-loop-fakes.ts';

const TURNS = Number(process.env.TURNS ?? 30);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const rms = (samples: Int16Array): number => {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
};
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(6)} ms`;

tls.setDefaultCACertificates([...tls.getCACertificates('default'), FakeDiscordVoice.certificate()]);
const discord = await FakeDiscordVoice.start({ dave: true });
// DAVE reads ids as 64-bit integers: snowflakes.
const GUILD = '400000000000000001';
const USER = '200000000000000001';
const model = new ScriptedVoiceModel();
const sessions = new DiscordVoiceSessions({
  host: new LoopbackVoiceHost(discord, silentLogger, 5_000),
  log: silentLogger,
  startConversation: (io, _request, invoker) =>
    startVoiceConversation({ io, model, tools: [], caller: () => invoker, transcripts: false, log: silentLogger }),
});
discord.enter(GUILD, USER, '300000000000000001');
const joined = await sessions.voiceFor(GUILD, USER).join({ engine: 'sonic', listen: 'everyone', transcripts: false });
if (!joined.ok) throw new Error(joined.error.message);
const session = await model.session(0);

// Speech packets only (the fixture's middle), so the first packet sent is the first one with energy.
const packets = speechPackets().slice(40, 60);
// Starts on speech (the fixture has 320 ms of silence at 1 s), so the first answer frame already has energy.
const answer = speechPcm(24).subarray(31_680, 43_680);
const decoder = new OpusScript(48_000, 2);
let modelHeardAt: number | undefined;
let userHeardAt: number | undefined;
const send = session.sendAudio.bind(session);
session.sendAudio = (frame: PcmFrame) => {
  if (modelHeardAt === undefined && rms(frame.samples) > 200) modelHeardAt = performance.now();
  send(frame);
};
discord.onHeard = (_guild, opus, at) => {
  if (userHeardAt !== undefined || opus.length < 8) return;
  const pcm = decoder.decode(opus);
  if (rms(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength >> 1)) > 200) userHeardAt = at;
};

const inbound: number[] = [];
const outbound: number[] = [];
const waitFor = async (get: () => number | undefined): Promise<number> => {
  for (let i = 0; i < 500; i++) {
    const value = get();
    if (value !== undefined) return value;
    await sleep(2);
  }
  throw new Error('timed out');
};
for (let turn = 0; turn < TURNS; turn++) {
  modelHeardAt = undefined;
  let firstSent: number | undefined;
  await discord.speak(GUILD, USER, packets, {
    onSent: (index, at) => {
      if (index === 0) firstSent = at;
    },
  });
  const heard = await waitFor(() => modelHeardAt);
  if (firstSent !== undefined && turn > 0) inbound.push(heard - firstSent);
  await sleep(300);
  userHeardAt = undefined;
  const emitted = performance.now();
  for (let at = 0; at < answer.length; at += 480) {
    session.emit({ type: 'audio', frame: { sampleRate: 24_000, channels: 1, samples: answer.subarray(at, at + 480) } });
  }
  session.emit({ type: 'turnEnd' });
  const played = await waitFor(() => userHeardAt);
  if (turn > 0) outbound.push(played - emitted);
  await sleep(700);
}
decoder.delete();
await sessions.close();
await discord.close();

const total = inbound.map((ms, i) => ms + (outbound[i] ?? Number.NaN));
const line = (label: string, values: readonly number[]) =>
  `  ${label.padEnd(58)} p50 ${fmt(percentile(values, 50))}  p95 ${fmt(percentile(values, 95))}  (n=${values.length})`;
console.log(
  'voice bench (Discord, loopback voice server with DAVE, real @discordjs/voice client): voice-to-voice latency the bot adds',
);
console.log(
  `  bot frames with the DAVE layer: ${discord.daveFrames}, not decryptable by the user: ${discord.undecryptable}`,
);
console.log(line('in: user RTP packet sent -> its speech reaches the model', inbound));
console.log(line('out: model speech emitted -> first non-silent bot RTP packet', outbound));
console.log(line('voice-to-voice added by the bot (in + out, same turn)', total));
