/**
 * node bench/voice-renewal.bench.ts: what a Nova Sonic session renewal costs the audio, with the real SDK against
 * the loopback fake, in real time. Each renewal primes the next stream ahead (AWS's session continuation) and
 * switches at a turn boundary or, failing one, at the deadline. Every paced 16 kHz frame the loop sends is
 * followed by identity through a wrapper of the VoiceModel:
 *   - lost: a frame that reached no open session (sent to none, or only to one already closing);
 *   - doubled: a frame that reached two open sessions (the replay of speech the old session heard);
 *   - wire gap: the last audioInput at the old stream -> the first at the new one, at the fake.
 * Goal: at most 100 ms of audio lost or doubled per switch.
 */
import { NovaSonicVoiceModel } from '../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { userId } from '../src/domain/ids.ts';
import { silentLogger } from '../src/ports/logger.ts';
import type {
  PreparedVoiceSession,
  VoiceConversation,
  VoiceModel,
  VoiceSessionOptions,
  VoiceTurn,
} from '../src/ports/voice-model.ts';
import { startVoiceConversation } from '../src/voice/conversation-loop.ts';
import { frameDurationMs, type PcmFrame } from '../src/voice/pcm.ts';
import { type FakeSonicStream, sonicClientFor, startFakeNovaSonic, tone } from '../test/support/fake-nova-sonic.ts';
import { MemoryChannelIo } from '../test/support/voice-loop-fakes.ts';

const SWITCHES = 8;
const alice = userId('discord', 'alice');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Which open sessions each frame reached. */
const reached = new Map<PcmFrame, number[]>();
const closedSessions = new Set<number>();
/** When each prepared stream was begun (kept for debugging a slow switch). */
const begunAt: number[] = [];
let sessions = 0;

function tracked(inner: VoiceConversation, index: number): VoiceConversation {
  return {
    events: inner.events,
    sendAudio(frame) {
      if (!closedSessions.has(index)) reached.set(frame, [...(reached.get(frame) ?? []), index]);
      else if (!reached.has(frame)) reached.set(frame, []);
      inner.sendAudio(frame);
    },
    sendText: (text) => inner.sendText(text),
    close() {
      closedSessions.add(index);
      return inner.close();
    },
  };
}

class TrackingModel implements VoiceModel {
  readonly engine = 'sonic';
  readonly #inner: NovaSonicVoiceModel;
  constructor(inner: NovaSonicVoiceModel) {
    this.#inner = inner;
  }
  async open(options: VoiceSessionOptions, signal: AbortSignal): Promise<VoiceConversation> {
    return tracked(await this.#inner.open(options, signal), sessions++);
  }
  prepare(options: Omit<VoiceSessionOptions, 'history' | 'answer'>, signal: AbortSignal): PreparedVoiceSession {
    const prepared = this.#inner.prepare(options, signal);
    return {
      get alive() {
        return prepared.alive;
      },
      begin: (history: readonly VoiceTurn[], answer?: string) => {
        begunAt.push(performance.now());
        return tracked(prepared.begin(history, answer), sessions++);
      },
      close: () => prepared.close(),
    };
  }
}

type Mode = 'boundary' | 'deadline';
let mode: Mode = 'boundary';
const arrivals = new Map<number, number[]>();
const fake = await startFakeNovaSonic({
  onEvent: (event, stream) => {
    if (event.name === 'audioInput') arrivals.set(stream, [...(arrivals.get(stream) ?? []), performance.now()]);
  },
});
fake.setScript(async (s: FakeSonicStream) => {
  await s.waitFor('audioInput');
  await sleep(350); // past renewAfterMs: the next stream is being primed
  if (mode === 'boundary') {
    s.turn({ user: `question ${s.index}`, assistant: `answer ${s.index}`, audio: tone(2_400) });
  } else {
    s.transcript('USER', `question ${s.index}`, 'FINAL');
    s.transcript('ASSISTANT', 'Thinking', 'SPECULATIVE'); // never reaches a turn boundary
  }
});
const client = sonicClientFor(fake.endpoint);

async function run(m: Mode, speak: boolean) {
  mode = m;
  reached.clear();
  closedSessions.clear();
  arrivals.clear();
  sessions = 0;
  const base = fake.streams.length;
  const io = new MemoryChannelIo();
  const conversation = startVoiceConversation({
    io,
    model: new TrackingModel(
      new NovaSonicVoiceModel(client, { renewAfterMs: 250, switchByMs: 900, closeTimeoutMs: 500 }),
    ),
    tools: [],
    caller: () => ({ user: alice, isStaff: false }),
    transcripts: false,
    log: silentLogger,
  });
  // With `speak`, someone talks without pause throughout (20 ms packets of 48 kHz speech-level noise).
  const talking = (async () => {
    while (speak && sessions <= SWITCHES) {
      const samples = new Int16Array(960).map(() => Math.round((Math.random() - 0.5) * 12_000));
      io.say(alice, { sampleRate: 48_000, channels: 1, samples });
      await sleep(20);
    }
  })();
  while (sessions <= SWITCHES) await sleep(50);
  await talking;
  await conversation.stop();
  const frames = [...reached.entries()];
  const frameMs = frames.length ? frameDurationMs(frames[0]?.[0] as PcmFrame) : 40;
  const lostMs = frames.filter(([, to]) => to.length === 0).length * frameMs;
  const doubledMs = frames.reduce((n, [, to]) => n + Math.max(0, to.length - 1), 0) * frameMs;
  const gaps: number[] = [];
  for (let i = 1; i <= SWITCHES; i++) {
    const last = arrivals.get(base + i - 1)?.at(-1);
    const first = arrivals.get(base + i)?.[0];
    if (last !== undefined && first !== undefined) gaps.push(first - last);
  }
  begunAt.length = 0;
  return { lostMs: lostMs / SWITCHES, doubledMs: doubledMs / SWITCHES, gaps };
}

const fmt = (ms: number) => `${ms.toFixed(1).padStart(6)} ms`;
const max = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
console.log(`voice bench (Nova Sonic renewal, loopback fake, real SDK, ${SWITCHES} switches each; goal <= 100 ms)`);
for (const [label, m, speak] of [
  ['at the turn end, user quiet', 'boundary', false],
  ['at the deadline, mid-answer, user quiet', 'deadline', false],
  ['at the deadline, user talking through it', 'deadline', true],
] as const) {
  const r = await run(m, speak);
  const sorted = [...r.gaps].sort((a, b) => a - b);
  const p50 = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const gap = r.gaps.length ? `wire gap p50 ${fmt(p50)} max ${fmt(max(r.gaps))}` : 'wire gap n/a';
  console.log(
    `  ${label.padEnd(42)} lost ${fmt(r.lostMs)}  doubled ${fmt(r.doubledMs)} per switch  ${gap}  (n=${r.gaps.length})`,
  );
}
console.log('  (doubled while talking = the unanswered speech replayed to the new stream, as AWS does; <= 3 s)');
client.destroy();
await fake.close();
