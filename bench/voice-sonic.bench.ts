/**
 * node bench/voice-sonic.bench.ts: the latency the bot adds around Nova Sonic, measured against the loopback fake
 * with the real SDK client, in real time.
 *   - output: the fake writes an audioOutput event -> the conversation loop calls io.play with it;
 *   - input: a speaker frame reaches io.speech -> the fake receives the audioInput carrying it (resampling,
 *     mixing and real-time pacing into 32 ms frames included).
 * Each is compared with the bare SDK doing the same trip (no adapter, no loop), so "added" is what our code costs.
 */
import { InvokeModelWithBidirectionalStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NovaSonicVoiceModel } from '../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { userId } from '../src/domain/ids.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { startVoiceConversation } from '../src/voice/conversation-loop.ts';
import { EventQueue } from '../src/voice/event-queue.ts';
import type { PcmFrame } from '../src/voice/pcm.ts';
import { type ReceivedEvent, sonicClientFor, startFakeNovaSonic } from '../test/support/fake-nova-sonic.ts';
import { MemoryChannelIo } from '../test/support/voice-loop-fakes.ts';

const OUTPUT_ROUNDS = 300;
const INPUT_ROUNDS = 80;
const alice = userId('discord', 'alice');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

// The fake stamps arrivals; the output script stamps departures. Both sides run in this process (one clock).
const sentAt = new Map<number, number>();
let onArrival: (event: ReceivedEvent) => void = () => {};
const fake = await startFakeNovaSonic({ onEvent: (event) => onArrival(event) });
const client = sonicClientFor(fake.endpoint);

/** 24 kHz chunks whose first sample is their id, sent every 5 ms once the client streams audio. */
fake.setScript(async (s) => {
  await s.waitFor('audioInput');
  const contentId = 'bench-audio';
  s.send({ contentStart: { contentId, type: 'AUDIO', role: 'ASSISTANT' } });
  for (let id = 1; id <= OUTPUT_ROUNDS; id++) {
    const samples = new Int16Array(480);
    samples[0] = id;
    sentAt.set(id, performance.now());
    s.send({ audioOutput: { contentId, content: Buffer.from(samples.buffer).toString('base64') } });
    await sleep(5);
  }
});

const loud = (content: unknown) => {
  const bytes = Buffer.from(String(content), 'base64');
  const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  return pcm.some((v) => Math.abs(v) > 4_000);
};

async function ourOutput(): Promise<number[]> {
  const latencies: number[] = [];
  const io = new MemoryChannelIo();
  io.play = (frame: PcmFrame) => {
    const sent = sentAt.get(frame.samples[0] ?? 0);
    if (sent !== undefined) latencies.push(performance.now() - sent);
  };
  const conversation = startVoiceConversation({
    io,
    model: new NovaSonicVoiceModel(client),
    tools: [],
    caller: () => ({ user: alice, isStaff: false }),
    transcripts: false,
    log: silentLogger,
  });
  while (latencies.length < OUTPUT_ROUNDS) await sleep(20);
  await conversation.stop();
  return latencies;
}

async function ourInput(): Promise<number[]> {
  fake.setScript(() => {});
  const latencies: number[] = [];
  let pushedAt: number | undefined;
  onArrival = (event) => {
    if (pushedAt !== undefined && event.name === 'audioInput' && loud(event.body.content)) {
      latencies.push(performance.now() - pushedAt);
      pushedAt = undefined;
    }
  };
  const io = new MemoryChannelIo();
  const conversation = startVoiceConversation({
    io,
    model: new NovaSonicVoiceModel(client),
    tools: [],
    caller: () => ({ user: alice, isStaff: false }),
    transcripts: false,
    log: silentLogger,
  });
  await sleep(300);
  for (let i = 0; i < INPUT_ROUNDS; i++) {
    pushedAt = performance.now();
    // One 20 ms Discord frame (48 kHz stereo decoded) of loud speech, then silence.
    io.say(alice, { sampleRate: 48_000, channels: 2, samples: new Int16Array(1_920).fill(12_000) });
    await sleep(150);
  }
  await conversation.stop();
  onArrival = () => {};
  return latencies;
}

/** The bare SDK: the same trips with a hand-fed input generator and a plain output loop. */
async function bare(): Promise<{ output: number[]; input: number[] }> {
  fake.setScript(async (s) => {
    await s.waitFor('audioInput');
    const contentId = 'bare-audio';
    for (let id = 1; id <= OUTPUT_ROUNDS; id++) {
      const samples = new Int16Array(480);
      samples[0] = id;
      sentAt.set(id, performance.now());
      s.send({ audioOutput: { contentId, content: Buffer.from(samples.buffer).toString('base64') } });
      await sleep(5);
    }
  });
  const queue = new EventQueue<{ chunk: { bytes: Uint8Array } }>();
  const push = (event: object) => queue.push({ chunk: { bytes: new TextEncoder().encode(JSON.stringify({ event })) } });
  const silence = Buffer.from(new Int16Array(512).buffer).toString('base64');
  const speech = Buffer.from(new Int16Array(512).fill(12_000).buffer).toString('base64');
  push({ sessionStart: {} });
  push({ audioInput: { content: silence } });
  const abort = new AbortController();
  const output: number[] = [];
  const reading = (async () => {
    const response = await client.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'm', body: queue }), {
      abortSignal: abort.signal,
    });
    for await (const part of response.body ?? []) {
      const json = JSON.parse(new TextDecoder().decode(part.chunk?.bytes)) as {
        event: { audioOutput?: { content: string } };
      };
      const content = json.event.audioOutput?.content;
      if (content === undefined) continue;
      const first = Buffer.from(content, 'base64').readInt16LE(0);
      const sent = sentAt.get(first);
      if (sent !== undefined) output.push(performance.now() - sent);
      if (output.length === OUTPUT_ROUNDS) return;
    }
  })().catch(() => {});
  while (output.length < OUTPUT_ROUNDS) await sleep(20);
  const input: number[] = [];
  let pushedAt: number | undefined;
  onArrival = (event) => {
    if (pushedAt !== undefined && event.name === 'audioInput' && loud(event.body.content)) {
      input.push(performance.now() - pushedAt);
      pushedAt = undefined;
    }
  };
  for (let i = 0; i < INPUT_ROUNDS; i++) {
    pushedAt = performance.now();
    push({ audioInput: { content: speech } });
    await sleep(50);
  }
  onArrival = () => {};
  abort.abort();
  queue.end();
  await reading;
  return { output, input };
}

const fmt = (ms: number) => `${ms.toFixed(2).padStart(7)} ms`;
const row = (label: string, values: readonly number[]) =>
  `  ${label.padEnd(48)} p50 ${fmt(percentile(values, 50))}  p95 ${fmt(percentile(values, 95))}  (n=${values.length})`;

const oursOut = await ourOutput();
const oursIn = await ourInput();
const baseline = await bare();
console.log('voice bench (Nova Sonic, loopback fake, real SDK): bot-added latency, goal p95 < 30 ms');
console.log(row('audioOutput -> io.play (adapter + loop)', oursOut));
console.log(row('audioOutput -> SDK yields it (bare SDK)', baseline.output));
console.log(
  `  ${'added by our code'.padEnd(48)} p50 ${fmt(percentile(oursOut, 50) - percentile(baseline.output, 50))}  p95 ${fmt(percentile(oursOut, 95) - percentile(baseline.output, 95))}`,
);
console.log(row('speaker frame -> audioInput at the service', oursIn));
console.log(row('audioInput queued -> at the service (bare SDK)', baseline.input));
console.log(
  `  ${'added by our code (resample, mix, pacing)'.padEnd(48)} p50 ${fmt(percentile(oursIn, 50) - percentile(baseline.input, 50))}  p95 ${fmt(percentile(oursIn, 95) - percentile(baseline.input, 95))}`,
);
client.destroy();
await fake.close();
