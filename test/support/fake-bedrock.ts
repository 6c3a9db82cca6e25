import http2 from 'node:http2';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { readBody, respondAwsError, startH2Loopback, writeEvent, writeFrame } from './h2-loopback.ts';

/**
 * A loopback fake of Bedrock Runtime speaking the real wire protocol (h2c, JSON, AWS event-stream frames), so tests
 * and benches drive the real `@aws-sdk/client-bedrock-runtime` client. See shared/reference/aws-wire-fakes.md.
 *
 *   const fake = await startFakeBedrock((req) => ({ chunks: ['Hello', ' world'] }));
 *   const client = bedrockClientFor(fake.endpoint);
 *   ...
 *   await fake.close();
 */

export type Operation = 'converse' | 'converse-stream' | 'count-tokens';

/** What a script may fail with. HTTP failures happen before any byte of the answer; the others during the stream. */
export type Failure =
  /** An HTTP error response (`x-amzn-errortype`), e.g. 429 ThrottlingException, 403 AccessDeniedException. */
  | { readonly type: 'http'; readonly status: number; readonly errorType: string; readonly message?: string }
  /** An event-stream exception frame (`:exception-type`, camelCase as Bedrock sends) after `afterChunks` deltas. */
  | {
      readonly type: 'exception';
      readonly afterChunks: number;
      readonly exceptionType: string;
      readonly message?: string;
    }
  /** The stream ends cleanly after `afterChunks` deltas, without messageStop/metadata. */
  | { readonly type: 'abruptEnd'; readonly afterChunks: number }
  /** Nothing more is sent after `afterChunks` deltas until the client aborts (or the fake closes). */
  | { readonly type: 'hang'; readonly afterChunks: number };

export interface ScriptChunk {
  readonly text: string;
  /** Wait this long before sending the chunk. */
  readonly delayMs?: number;
}

export interface ScriptToolUse {
  readonly toolUseId: string;
  readonly name: string;
  readonly input: unknown;
}

/** How the fake answers one request. Everything is optional: `{}` answers "OK" with estimated usage. */
export interface Script {
  readonly chunks?: readonly (string | ScriptChunk)[];
  /**
   * Reasoning streamed before the answer (as Claude 5.x does by default): a reasoningContent block at index 0 with
   * these text deltas and a signature, the answer's text moving to block 1. Counts toward output tokens.
   */
  readonly reasoning?: readonly (string | ScriptChunk)[];
  readonly toolUses?: readonly ScriptToolUse[];
  readonly stopReason?: string;
  /** Defaults: input = request text chars / 4, output = answer chars / 4 (at least 1 each). */
  readonly usage?: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly cacheReadInputTokens?: number;
    readonly cacheWriteInputTokens?: number;
  };
  readonly latencyMs?: number;
  /** For count-tokens; when absent, count-tokens answers the char/4 estimate. */
  readonly countTokens?: number;
  readonly fail?: Failure;
}

/** The parts of a Converse / CountTokens body tests usually look at; the rest is there too. */
export interface RecordedBody {
  readonly messages?: readonly { role: string; content: readonly Record<string, unknown>[] }[];
  readonly system?: readonly { text?: string }[];
  readonly inferenceConfig?: { maxTokens?: number; temperature?: number };
  readonly toolConfig?: { tools: readonly { toolSpec?: { name: string } }[] };
  readonly input?: { converse?: { messages?: unknown[]; system?: unknown[] } };
  readonly [key: string]: unknown;
}

export interface FakeRequest {
  readonly operation: Operation;
  readonly modelId: string;
  readonly body: RecordedBody;
  /** From the `amz-sdk-request: attempt=N; max=M` header; 1 when absent. */
  readonly attempt: number;
}

export type FakeHandler = (request: FakeRequest, modelId: string) => Script | Promise<Script>;

export interface FakeBedrock {
  /** `http://127.0.0.1:PORT` for the client's `endpoint`. */
  readonly endpoint: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  /** Replace the script function (one fake per file, a script per test). */
  setHandler(handler: FakeHandler): void;
  close(): Promise<void>;
}

// Sugar for the common failures, with the names and statuses Bedrock uses.
export const failures = {
  throttled: (): Failure => ({
    type: 'http',
    status: 429,
    errorType: 'ThrottlingException',
    message: 'Too many requests, please wait before trying again.',
  }),
  accessDenied: (): Failure => ({
    type: 'http',
    status: 403,
    errorType: 'AccessDeniedException',
    message: "You don't have access to the model with the specified model ID.",
  }),
  validation: (message = 'Malformed input request.'): Failure => ({
    type: 'http',
    status: 400,
    errorType: 'ValidationException',
    message,
  }),
  notFound: (): Failure => ({
    type: 'http',
    status: 404,
    errorType: 'ResourceNotFoundException',
    message: 'Model not found.',
  }),
  unavailable: (): Failure => ({
    type: 'http',
    status: 503,
    errorType: 'ServiceUnavailableException',
    message: 'Service unavailable.',
  }),
  midStream: (afterChunks: number, exceptionType = 'modelStreamErrorException'): Failure => ({
    type: 'exception',
    afterChunks,
    exceptionType,
    message: 'The model stream failed. Retry your request.',
  }),
  abruptEnd: (afterChunks: number): Failure => ({ type: 'abruptEnd', afterChunks }),
  hang: (afterChunks = 0): Failure => ({ type: 'hang', afterChunks }),
};

/** `n` chunks of one short word each: about n output tokens (benches). */
export const wordChunks = (n: number, delayMs?: number): ScriptChunk[] =>
  Array.from({ length: n }, (_, i) => (delayMs === undefined ? { text: ` w${i}` } : { text: ` w${i}`, delayMs }));

export async function startFakeBedrock(handler: FakeHandler = () => ({})): Promise<FakeBedrock> {
  const requests: FakeRequest[] = [];
  const closing = new AbortController();
  let current = handler;

  async function serve(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): Promise<void> {
    const path = String(headers[':path'] ?? '');
    const match = /^\/model\/([^/]+)\/(converse|converse-stream|count-tokens)$/.exec(path);
    const raw = (await readBody(stream)).toString('utf8');
    if (!match?.[1] || !match[2]) {
      return sendError(stream, { type: 'http', status: 404, errorType: 'UnknownOperationException', message: path });
    }
    const modelId = decodeURIComponent(match[1]);
    const operation = match[2] as Operation;
    const body = (raw.length > 0 ? JSON.parse(raw) : {}) as RecordedBody;
    const attempt = Number(/attempt=(\d+)/.exec(String(headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
    const request: FakeRequest = { operation, modelId, body, attempt };
    requests.push(request);
    const script = await current(request, modelId);
    if (script.fail?.type === 'http') return sendError(stream, script.fail);
    if (operation === 'count-tokens') return sendJson(stream, { inputTokens: script.countTokens ?? estimate(body) });
    if (operation === 'converse') return sendConverse(stream, script, body);
    return sendConverseStream(stream, script, body);
  }

  async function sendConverseStream(stream: http2.ServerHttp2Stream, script: Script, body: RecordedBody) {
    stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
    const frame = (eventType: string, payload: unknown) => writeEvent(stream, eventType, payload);
    frame('messageStart', { role: 'assistant' });
    const chunks = (script.chunks ?? ['OK']).map(toChunk);
    const fail = script.fail;
    const reasoning = (script.reasoning ?? []).map(toChunk);
    const textIndex = reasoning.length > 0 ? 1 : 0;
    if (reasoning.length > 0) {
      frame('contentBlockStart', { contentBlockIndex: 0, start: {} });
      for (const chunk of reasoning) {
        if (chunk.delayMs) await sleep(chunk.delayMs, closing.signal);
        if (stream.destroyed) return;
        frame('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: chunk.text } } });
      }
      frame('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'sig-fake' } } });
      frame('contentBlockStop', { contentBlockIndex: 0 });
    }
    let sent = 0;
    for (const chunk of chunks) {
      if (fail && fail.type !== 'http' && sent === fail.afterChunks) break;
      if (chunk.delayMs) await sleep(chunk.delayMs, closing.signal);
      if (stream.destroyed) return;
      frame('contentBlockDelta', { contentBlockIndex: textIndex, delta: { text: chunk.text } });
      sent++;
    }
    if (fail?.type === 'exception') {
      writeFrame(stream, 'exception', fail.exceptionType, { message: fail.message ?? fail.exceptionType });
      return void stream.end();
    }
    if (fail?.type === 'abruptEnd') return void stream.end();
    if (fail?.type === 'hang') return waitForClose(stream, closing.signal);
    if (chunks.length > 0) frame('contentBlockStop', { contentBlockIndex: textIndex });
    (script.toolUses ?? []).forEach((tool, i) => {
      const contentBlockIndex = textIndex + i + 1;
      frame('contentBlockStart', {
        contentBlockIndex,
        start: { toolUse: { toolUseId: tool.toolUseId, name: tool.name } },
      });
      frame('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: JSON.stringify(tool.input) } } });
      frame('contentBlockStop', { contentBlockIndex });
    });
    frame('messageStop', { stopReason: stopReasonOf(script) });
    frame('metadata', {
      usage: usageOf(script, body, [...reasoning, ...chunks]),
      metrics: { latencyMs: script.latencyMs ?? 1 },
    });
    stream.end();
  }

  async function sendConverse(stream: http2.ServerHttp2Stream, script: Script, body: RecordedBody) {
    const chunks = (script.chunks ?? ['OK']).map(toChunk);
    const fail = script.fail;
    if (fail?.type === 'hang') return waitForClose(stream, closing.signal);
    if (fail?.type === 'abruptEnd') return void stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    if (fail?.type === 'exception') {
      const errorType = fail.exceptionType.charAt(0).toUpperCase() + fail.exceptionType.slice(1);
      return sendError(stream, { type: 'http', status: 424, errorType, message: fail.message ?? errorType });
    }
    for (const chunk of chunks) if (chunk.delayMs) await sleep(chunk.delayMs, closing.signal);
    const text = chunks.map((c) => c.text).join('');
    const content: unknown[] = text ? [{ text }] : [];
    for (const tool of script.toolUses ?? []) content.push({ toolUse: tool });
    sendJson(stream, {
      output: { message: { role: 'assistant', content } },
      stopReason: stopReasonOf(script),
      usage: usageOf(script, body, chunks),
      metrics: { latencyMs: script.latencyMs ?? 1 },
    });
  }

  const loopback = await startH2Loopback((stream, headers) => {
    void serve(stream, headers).catch(() => {
      if (!stream.destroyed) stream.destroy();
    });
  });
  return {
    endpoint: loopback.endpoint,
    requests,
    setHandler(next) {
      current = next;
    },
    async close() {
      closing.abort();
      await loopback.close();
    },
  };
}

/** The real client aimed at the fake: static credentials, one attempt (tests that test retries override it). */
export function bedrockClientFor(endpoint: string, overrides: BedrockRuntimeClientConfig = {}): BedrockRuntimeClient {
  // With this variable set the client sends a bearer token instead of SigV4; keep tests independent of the shell.
  delete process.env.AWS_BEARER_TOKEN_BEDROCK;
  return new BedrockRuntimeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake-secret' },
    maxAttempts: 1,
    ...overrides,
  });
}

function sendJson(stream: http2.ServerHttp2Stream, payload: unknown) {
  if (stream.destroyed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/json' });
  stream.end(JSON.stringify(payload));
}

const sendError = (stream: http2.ServerHttp2Stream, fail: Extract<Failure, { type: 'http' }>) =>
  respondAwsError(stream, fail.status, fail.errorType, fail.message ?? fail.errorType);

const waitForClose = (stream: http2.ServerHttp2Stream, closing: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (stream.destroyed || closing.aborted) return resolve();
    stream.on('close', () => resolve());
    closing.addEventListener('abort', () => resolve(), { once: true });
  });

/** Waits `ms` or until the fake closes. The listener goes when the timer fires: thousands of calls would otherwise
 * pile listeners on the one closing signal, and each `addEventListener` scans them all (13 % of a bench's CPU). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

const toChunk = (c: string | ScriptChunk): ScriptChunk => (typeof c === 'string' ? { text: c } : c);
const stopReasonOf = (script: Script) =>
  script.stopReason ?? ((script.toolUses?.length ?? 0) > 0 ? 'tool_use' : 'end_turn');

function usageOf(script: Script, body: RecordedBody, chunks: readonly ScriptChunk[]) {
  const inputTokens = script.usage?.inputTokens ?? estimate(body);
  const outputTokens =
    script.usage?.outputTokens ?? Math.max(1, Math.ceil(chunks.map((c) => c.text).join('').length / 4));
  const cacheRead = script.usage?.cacheReadInputTokens;
  const cacheWrite = script.usage?.cacheWriteInputTokens;
  return {
    inputTokens,
    outputTokens,
    // Bedrock counts cache tokens apart from inputTokens, and in the total.
    totalTokens: inputTokens + outputTokens + (cacheRead ?? 0) + (cacheWrite ?? 0),
    ...(cacheRead === undefined ? {} : { cacheReadInputTokens: cacheRead }),
    ...(cacheWrite === undefined ? {} : { cacheWriteInputTokens: cacheWrite }),
  };
}

/** chars/4 of every text in the body (messages and system, Converse or CountTokens shape). */
function estimate(body: RecordedBody): number {
  const source = body.input?.converse ?? body;
  return Math.max(1, Math.ceil(collectText(source).length / 4));
}

function collectText(value: unknown): string {
  if (Array.isArray(value)) return value.map(collectText).join('');
  if (value === null || typeof value !== 'object') return '';
  return Object.entries(value)
    .map(([k, v]) => (k === 'text' && typeof v === 'string' ? v : collectText(v)))
    .join('');
}
