/**
 * node bench/voice-barge-in.bench.ts: barge-in, from the moment the (fake) Nova Sonic writes its INTERRUPTED to
 * the moment the Discord AudioPlayer is stopped (silence in the channel), through the real SDK, the adapter, the
 * conversation loop, the jitter buffer and the Discord playback sink, with seconds of answer still buffered.
 * Goal: p95 <= 50 ms.
 */
import type { AudioResource } from '@discordjs/voice';
import { NovaSonicVoiceModel } from '../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { DiscordPlaybackSink } from '../adapters/discord/voice/playback-sink.ts';
import { userId } from '../src/domain/ids.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { startVoiceConversation } from '../src/voice/conversation-loop.ts';
import { JitterBuffer } from '../src/voice/jitter-buffer.ts';
import type { PcmFrame } from '../src/voice/pcm.ts';
import { sonicClientFor, startFakeNovaSonic, tone } from '../test/support/fake-nova-sonic.ts';
import { MemoryChannelIo } from '../test/support/voice-loop-fakes.ts';

const ROUNDS = 40;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

let interruptedAt: number | undefined;
const latencies: number[] = [];
const buffered: number[] = [];
let done = 0;

const fake = await startFakeNovaSonic({
  script: async (s) => {
    await s.waitFor('audioInput');
    for (let r = 0; r < ROUNDS; r++) {
      s.transcript('ASSISTANT', 'A long answer', 'SPECULATIVE');
      // 2 s of speech in 100 ms chunks every 10 ms: ten times faster than real time, as Sonic streams.
      const contentId = crypto.randomUUID();
      s.send({ contentStart: { contentId, type: 'AUDIO', role: 'ASSISTANT' } });
      const chunk = Buffer.from(tone(2_400).buffer).toString('base64');
      for (let c = 0; c < 20; c++) {
        s.send({ audioOutput: { contentId, role: 'ASSISTANT', content: chunk } });
        await sleep(10);
      }
      await sleep(300);
      interruptedAt = performance.now();
      s.interrupted();
      await sleep(150);
      done++;
    }
  },
});
const client = sonicClientFor(fake.endpoint);

const player = {
  play: (_resource: AudioResource) => {},
  stop: () => {
    if (interruptedAt !== undefined) {
      latencies.push(performance.now() - interruptedAt);
      interruptedAt = undefined;
    }
    return true;
  },
};
const jitter = new JitterBuffer({ sink: new DiscordPlaybackSink(player) });
const io = new MemoryChannelIo();
io.play = (frame: PcmFrame) => jitter.push(frame);
io.stopPlayback = () => {
  buffered.push(jitter.bufferedMs);
  jitter.clear();
};
const conversation = startVoiceConversation({
  io,
  model: new NovaSonicVoiceModel(client),
  tools: [],
  caller: () => ({ user: userId('discord', 'alice'), isStaff: false }),
  transcripts: false,
  log: silentLogger,
});
while (done < ROUNDS) await sleep(50);
await conversation.stop();
client.destroy();
await fake.close();

const fmt = (ms: number) => `${ms.toFixed(2).padStart(6)} ms`;
console.log('voice bench (barge-in, Nova Sonic loopback fake, real SDK): INTERRUPTED -> AudioPlayer stopped');
console.log(
  `  INTERRUPTED written -> silence in the channel          p50 ${fmt(percentile(latencies, 50))}  p95 ${fmt(percentile(latencies, 95))}  (n=${latencies.length}, goal p95 <= 50 ms)`,
);
console.log(`  answer audio still buffered when it was dropped        p50 ${fmt(percentile(buffered, 50))}`);
