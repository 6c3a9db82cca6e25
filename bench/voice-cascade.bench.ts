/**
 * npm run bench:voice (cascade part): bot-added latency from Transcribe's final transcript to the first audio frame
 * ready for playback. Bedrock and Polly are loopback fakes driven by the real SDK clients; their own time is
 * measured with bare SDK calls in the same process and subtracted. The configured end-of-turn pause
 * (VOICE_TURN_PAUSE_MS) is a deliberate wait and is set to 0 here.
 */
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { BedrockTextModel } from '../adapters/bedrock/bedrock-text-model.ts';
import { PollyTextToSpeech } from '../adapters/bedrock/polly-text-to-speech.ts';
import { userId } from '../src/domain/ids.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { CascadeVoiceModel } from '../src/voice/cascade/cascade-voice-model.ts';
import { bedrockClientFor, startFakeBedrock } from '../test/support/fake-bedrock.ts';
import { pollyClientFor, startFakePolly } from '../test/support/fake-polly.ts';
import { aCatalog, aModel } from '../test/support/models.ts';
import { ScriptedSpeechToText } from '../test/support/voice-fakes.ts';

const ROUNDS = 200;
const WARMUP = 20;

const bedrock = await startFakeBedrock(() => ({ chunks: ['Your order is on its way. ', 'It arrives soon.'] }));
const polly = await startFakePolly(() => ({ type: 'pcm', samples: new Int16Array(3200) }));
const bedrockClient = bedrockClientFor(bedrock.endpoint);
const pollyClient = pollyClientFor(polly.endpoint);
const catalog = aCatalog([aModel('lite')]);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** Bare SDK: ConverseStream until the first sentence is complete, then Polly until its first chunk. */
async function bareRound(): Promise<number> {
  const start = performance.now();
  const out = await bedrockClient.send(
    new ConverseStreamCommand({
      modelId: 'us.test.lite-v1:0',
      messages: [{ role: 'user', content: [{ text: 'Where is my order?' }] }],
    }),
  );
  let text = '';
  for await (const event of out.stream ?? []) {
    text += event.contentBlockDelta?.delta?.text ?? '';
    if (/[.!?]\s/.test(text)) break;
  }
  const speech = await pollyClient.send(
    new SynthesizeSpeechCommand({ Text: text.trim(), VoiceId: 'Joanna', OutputFormat: 'pcm', SampleRate: '16000' }),
  );
  for await (const _chunk of speech.AudioStream as AsyncIterable<Uint8Array>) break;
  return performance.now() - start;
}

const stt = new ScriptedSpeechToText();
const engine = new CascadeVoiceModel({
  stt,
  tts: new PollyTextToSpeech(pollyClient),
  textModel: new BedrockTextModel(bedrockClient, catalog),
  models: catalog.models.map((m) => m.id),
  languageCode: 'en-US',
  synthesis: { voice: 'Joanna', engine: 'neural' },
  turnPauseMs: 0,
  maxTokens: 200,
  maxToolRounds: 0,
  log: silentLogger,
});
const conversation = await engine.open(
  { history: [], tools: [], caller: () => ({ user: userId('discord', 'bench'), isStaff: false }) },
  new AbortController().signal,
);
const events = conversation.events[Symbol.asyncIterator]();

/** Through the engine: final transcript in, first audio frame out. */
async function engineRound(): Promise<number> {
  const start = performance.now();
  stt.say({ type: 'final', text: 'Where is my order?' });
  let first = Number.NaN;
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error('conversation ended');
    if (next.value.type === 'audio' && Number.isNaN(first)) first = performance.now() - start;
    if (next.value.type === 'turnEnd') return first;
  }
}

const bare: number[] = [];
const viaEngine: number[] = [];
for (let i = 0; i < WARMUP + ROUNDS; i++) {
  // Interleave so both see the same machine noise.
  const b = await bareRound();
  const e = await engineRound();
  if (i >= WARMUP) {
    bare.push(b);
    viaEngine.push(e);
  }
}
const added = viaEngine.map((e, i) => e - (bare[i] ?? 0));
const fmt = (n: number) => `${n.toFixed(2)} ms`;
console.log(`cascade: final transcript -> first audio frame (${ROUNDS} turns, loopback fakes)`);
console.log(`  through the engine  p50 ${fmt(percentile(viaEngine, 50))}  p95 ${fmt(percentile(viaEngine, 95))}`);
console.log(`  bare SDK calls      p50 ${fmt(percentile(bare, 50))}  p95 ${fmt(percentile(bare, 95))}`);
console.log(
  `  bot-added           p50 ${fmt(percentile(added, 50))}  p95 ${fmt(percentile(added, 95))}  (goal < 50 ms)`,
);

await conversation.close();
bedrockClient.destroy();
pollyClient.destroy();
await bedrock.close();
await polly.close();
