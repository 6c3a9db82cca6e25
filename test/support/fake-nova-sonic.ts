import type http2 from 'node:http2';
import type { BedrockRuntimeClient, BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import type { Message } from '@smithy/eventstream-codec';
import { bedrockClientFor } from './fake-bedrock.ts';
import { innerMessages, respondAwsError, startH2Loopback, writeEvent, writeFrame } from './h2-loopback.ts';

/**
 * A loopback fake of Nova Sonic's `InvokeModelWithBidirectionalStream` (h2c, nested signed event-stream frames in,
 * flat frames out), driven by the real `@aws-sdk/client-bedrock-runtime` client. It records what the client sends,
 * in order, and answers from a per-stream script. See shared/reference/aws-wire-fakes.md.
 *
 *   const fake = await startFakeNovaSonic({ script: async (s) => { await s.waitFor('audioInput'); s.turn({...}); } });
 *   const client = sonicClientFor(fake.endpoint);
 *   ...
 *   await fake.close();
 */

/** One event the client sent, e.g. `{ name: 'promptStart', body: { promptName, ... } }`. */
export interface ReceivedEvent {
  readonly name: string;
  readonly body: Record<string, unknown>;
}

export interface TurnScript {
  readonly user?: string;
  readonly assistant?: string;
  /** 24 kHz mono speech sent as audioOutput chunks between the SPECULATIVE and FINAL transcripts. */
  readonly audio?: Int16Array;
  readonly chunkSamples?: number;
}

export interface FakeSonicStream {
  readonly index: number;
  readonly modelId: string;
  /** Everything received so far, in order. */
  readonly received: readonly ReceivedEvent[];
  /** The first received event with this name (and matching `where`), waiting for it if need be. */
  waitFor(name: string, where?: (body: Record<string, unknown>) => boolean): Promise<ReceivedEvent>;
  /** Raw output event: `send({ textOutput: {...} })`. */
  send(event: Record<string, unknown>): void;
  transcript(role: 'USER' | 'ASSISTANT', text: string, stage: 'SPECULATIVE' | 'FINAL'): void;
  audio(samples: Int16Array, chunkSamples?: number, stopReason?: string): void;
  /** A whole turn as the service sends it: USER FINAL, ASSISTANT SPECULATIVE, AUDIO (END_TURN), ASSISTANT FINAL. */
  turn(turn: TurnScript): void;
  toolUse(toolName: string, toolUseId: string, input: unknown): void;
  /** Barge-in: the `{ "interrupted" : true }` marker and an AUDIO contentEnd with INTERRUPTED. */
  interrupted(): void;
  /** A usageEvent as the service sends it: this delta and the stream's running totals. */
  usage(delta: UsageDelta): void;
  /** An exception frame (camelCase type as Bedrock sends, e.g. `modelStreamErrorException`), then the end. */
  exception(exceptionType: string, message?: string): void;
  end(): void;
  /** Resolves when the request side ended (END_STREAM or abort). */
  readonly clientDone: Promise<void>;
}

export interface UsageDelta {
  readonly input?: { readonly speechTokens?: number; readonly textTokens?: number };
  readonly output?: { readonly speechTokens?: number; readonly textTokens?: number };
}

export type SonicScript = (stream: FakeSonicStream) => void | Promise<void>;

export interface HttpFailure {
  readonly status: number;
  readonly errorType: string;
  readonly message?: string;
}

export interface SessionLimit {
  /** Close with a modelTimeoutException this long after the stream opened. */
  readonly ms?: number;
  /** ... or after this many received events. */
  readonly events?: number;
}

export interface FakeNovaSonicOptions {
  readonly script?: SonicScript;
  readonly sessionLimit?: SessionLimit;
  /** Sees each received event as it is decoded (benches time arrivals with it). */
  readonly onEvent?: (event: ReceivedEvent, streamIndex: number) => void;
}

export interface FakeNovaSonic {
  readonly endpoint: string;
  readonly streams: readonly FakeSonicStream[];
  setScript(script: SonicScript): void;
  setSessionLimit(limit: SessionLimit | undefined): void;
  /** The next `count` stream opens fail with this HTTP error. */
  failNextOpen(failure: HttpFailure, count?: number): void;
  /** The n-th stream (0-based), waiting for it to open. */
  stream(index: number): Promise<FakeSonicStream>;
  close(): Promise<void>;
}

export async function startFakeNovaSonic(options: FakeNovaSonicOptions = {}): Promise<FakeNovaSonic> {
  let script: SonicScript = options.script ?? (() => {});
  let sessionLimit = options.sessionLimit;
  const failures: HttpFailure[] = [];
  const streams: FakeSonicStream[] = [];
  const streamWaiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const loopback = await startH2Loopback((stream, headers) => {
    const path = String(headers[':path'] ?? '');
    const match = /^\/model\/([^/]+)\/invoke-with-bidirectional-stream$/.exec(path);
    if (!match?.[1]) {
      respondAwsError(stream, 404, 'UnknownOperationException', `fake-nova-sonic: unexpected path ${path}`);
      return;
    }
    const failure = failures.shift();
    if (failure) {
      respondAwsError(stream, failure.status, failure.errorType, failure.message ?? failure.errorType);
      stream.resume();
      return;
    }
    // send() resolves only on response headers: respond at once.
    stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
    const fake = createStream(
      streams.length,
      decodeURIComponent(match[1]),
      stream,
      sessionLimit,
      timers,
      options.onEvent,
    );
    streams.push(fake);
    for (const wake of streamWaiters.splice(0)) wake();
    Promise.resolve()
      .then(() => script(fake))
      .catch((error: unknown) => fake.exception('internalServerException', `fake script failed: ${String(error)}`));
  });

  return {
    endpoint: loopback.endpoint,
    streams,
    setScript(next) {
      script = next;
    },
    setSessionLimit(limit) {
      sessionLimit = limit;
    },
    failNextOpen(failure, count = 1) {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    async stream(index) {
      while (streams.length <= index) await new Promise<void>((resolve) => streamWaiters.push(resolve));
      return streams[index] as FakeSonicStream;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await loopback.close();
    },
  };
}

function createStream(
  index: number,
  modelId: string,
  stream: http2.ServerHttp2Stream,
  limit: SessionLimit | undefined,
  timers: Set<NodeJS.Timeout>,
  onReceived?: (event: ReceivedEvent, streamIndex: number) => void,
): FakeSonicStream {
  const received: ReceivedEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  let resolveDone: () => void = () => {};
  const clientDone = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  // Each output event travels base64-encoded inside a `chunk` frame's JSON body.
  const send = (event: Record<string, unknown>) => {
    if (!ended) writeEvent(stream, 'chunk', { bytes: Buffer.from(JSON.stringify({ event })).toString('base64') });
  };
  const end = () => {
    if (ended) return;
    ended = true;
    if (!stream.destroyed && !stream.writableEnded) stream.end();
  };
  const exception = (exceptionType: string, message = exceptionType) => {
    if (!ended) writeFrame(stream, 'exception', exceptionType, { message });
    end();
  };

  const onEvent = (event: ReceivedEvent) => {
    received.push(event);
    onReceived?.(event, index);
    for (const wake of waiters.splice(0)) wake();
    if (limit?.events !== undefined && received.length >= limit.events) {
      exception('modelTimeoutException', 'Model has timed out in processing the request');
    }
    if (event.name === 'sessionEnd') end();
  };

  const finish = () => {
    resolveDone();
    for (const wake of waiters.splice(0)) wake();
    end();
  };
  // Read to the client's end, never leaving early (that would destroy the stream). A reset ends the loop with an
  // error that 'close' and 'aborted' already report (the frame below is then a no-op); an undecodable event is
  // answered with an exception naming it.
  void (async () => {
    for await (const message of innerMessages(stream)) onEvent(receivedEvent(message));
  })().catch((error: unknown) => exception('internalServerException', `fake-nova-sonic: ${String(error)}`));
  stream.on('end', finish);
  stream.on('close', finish);
  stream.on('aborted', finish);

  if (limit?.ms !== undefined) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      exception('modelTimeoutException', 'Model has timed out in processing the request');
    }, limit.ms);
    timers.add(timer);
    void clientDone.then(() => clearTimeout(timer));
  }

  const content = (role: string, type: string, stage?: string) => {
    const contentId = crypto.randomUUID();
    const fields = stage === undefined ? {} : { additionalModelFields: JSON.stringify({ generationStage: stage }) };
    send({ contentStart: { contentId, type, role, ...fields } });
    return contentId;
  };
  const transcript = (role: 'USER' | 'ASSISTANT', text: string, stage: 'SPECULATIVE' | 'FINAL') => {
    const contentId = content(role, 'TEXT', stage);
    send({ textOutput: { contentId, role, content: text } });
    send({ contentEnd: { contentId, type: 'TEXT', stopReason: role === 'USER' ? 'PARTIAL_TURN' : 'END_TURN' } });
  };
  const audio = (samples: Int16Array, chunkSamples = 2400, stopReason = 'END_TURN') => {
    const contentId = content('ASSISTANT', 'AUDIO');
    for (let at = 0; at < samples.length; at += chunkSamples) {
      const part = samples.subarray(at, Math.min(samples.length, at + chunkSamples));
      const b64 = Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('base64');
      send({ audioOutput: { contentId, role: 'ASSISTANT', content: b64 } });
    }
    send({ contentEnd: { contentId, type: 'AUDIO', stopReason } });
  };

  const totals = { input: 0, output: 0 };
  const usage = (delta: UsageDelta) => {
    const input = { speechTokens: delta.input?.speechTokens ?? 0, textTokens: delta.input?.textTokens ?? 0 };
    const output = { speechTokens: delta.output?.speechTokens ?? 0, textTokens: delta.output?.textTokens ?? 0 };
    totals.input += input.speechTokens + input.textTokens;
    totals.output += output.speechTokens + output.textTokens;
    send({
      usageEvent: {
        sessionId: 'fake',
        promptName: 'p',
        completionId: 'fake-completion',
        details: { delta: { input, output }, total: { input: {}, output: {} } },
        totalInputTokens: totals.input,
        totalOutputTokens: totals.output,
        totalTokens: totals.input + totals.output,
      },
    });
  };

  return {
    index,
    modelId,
    received,
    clientDone,
    async waitFor(name, where = () => true) {
      for (;;) {
        const found = received.find((e) => e.name === name && where(e.body));
        if (found) return found;
        if (ended && stream.destroyed) throw new Error(`fake-nova-sonic: stream ${index} closed before ${name}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    send,
    transcript,
    audio,
    turn(turn) {
      send({ completionStart: { sessionId: 'fake', promptName: 'p', completionId: crypto.randomUUID() } });
      if (turn.user !== undefined) transcript('USER', turn.user, 'FINAL');
      if (turn.assistant !== undefined) transcript('ASSISTANT', turn.assistant, 'SPECULATIVE');
      if (turn.audio) audio(turn.audio, turn.chunkSamples);
      if (turn.assistant !== undefined) transcript('ASSISTANT', turn.assistant, 'FINAL');
    },
    toolUse(toolName, toolUseId, input) {
      const contentId = content('TOOL', 'TOOL');
      send({ toolUse: { contentId, role: 'TOOL', toolName, toolUseId, content: JSON.stringify(input) } });
      send({ contentEnd: { contentId, type: 'TOOL', stopReason: 'TOOL_USE' } });
    },
    interrupted() {
      const contentId = content('ASSISTANT', 'TEXT', 'SPECULATIVE');
      send({ textOutput: { contentId, role: 'ASSISTANT', content: '{ "interrupted" : true }' } });
      send({ contentEnd: { contentId, type: 'AUDIO', stopReason: 'INTERRUPTED' } });
    },
    usage,
    exception,
    end,
  };
}

/** The client's `chunk` frame carries `{ bytes }`: base64 of `{ event: { <name>: body } }`. */
function receivedEvent(message: Message): ReceivedEvent {
  const payload = JSON.parse(Buffer.from(message.body).toString('utf8')) as { bytes: string };
  const json = JSON.parse(Buffer.from(payload.bytes, 'base64').toString('utf8')) as {
    event: Record<string, Record<string, unknown>>;
  };
  const [name, body] = Object.entries(json.event)[0] ?? ['(empty)', {}];
  return { name, body };
}

/** A real client pointed at the fake: `bedrockClientFor` (static credentials, one attempt), no console warnings. */
export const sonicClientFor = (endpoint: string, overrides: BedrockRuntimeClientConfig = {}): BedrockRuntimeClient =>
  bedrockClientFor(endpoint, { logger: { debug() {}, info() {}, warn() {}, error() {} }, ...overrides });

/** A 24 kHz test tone (or any rate), for scripted model speech. */
export function tone(samples: number, period = 48): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * i) / period));
  return out;
}
