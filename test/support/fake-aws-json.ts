import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { readBody, startH2Loopback } from './h2-loopback.ts';

/**
 * A loopback fake for AWS JSON services (REST-JSON like bedrock-agent-runtime Retrieve, awsJson1_0 like Step
 * Functions StartSyncExecution, InvokeModel on Bedrock Runtime), over HTTP/1.1 or h2c as the real client speaks.
 * The handler sees method, path, target header and parsed body; it answers a status, a JSON body and, for errors,
 * the `x-amzn-errortype` the SDK maps to an exception class.
 */
export interface JsonRequest {
  readonly method: string;
  readonly path: string;
  /** `X-Amz-Target` (awsJson protocols), e.g. `AWSStepFunctions.StartSyncExecution`. */
  readonly target: string | undefined;
  readonly body: Record<string, unknown>;
}

export type JsonAnswer =
  | { readonly status?: 200; readonly body: unknown; readonly delayMs?: number }
  | { readonly status: number; readonly errorType: string; readonly message: string };

export interface FakeAwsJson {
  readonly endpoint: string;
  readonly requests: JsonRequest[];
  setHandler(handler: (request: JsonRequest) => JsonAnswer | Promise<JsonAnswer>): void;
  close(): Promise<void>;
}

export async function startFakeAwsJson(
  transport: 'http1' | 'h2',
  handler: (request: JsonRequest) => JsonAnswer | Promise<JsonAnswer> = () => ({ body: {} }),
): Promise<FakeAwsJson> {
  const requests: JsonRequest[] = [];
  let current = handler;
  const answer = async (method: string, path: string, target: string | undefined, raw: string) => {
    const request: JsonRequest = { method, path, target, body: raw === '' ? {} : JSON.parse(raw) };
    requests.push(request);
    const reply = await current(request);
    if ('errorType' in reply) {
      return {
        status: reply.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': reply.errorType },
        text: JSON.stringify({ message: reply.message, __type: reply.errorType }),
      };
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    return { status: 200, headers: { 'content-type': 'application/json' }, text: JSON.stringify(reply.body) };
  };
  if (transport === 'h2') {
    const loopback = await startH2Loopback((stream, headers) => {
      void (async () => {
        const raw = (await readBody(stream)).toString('utf8');
        const target = headers['x-amz-target'];
        const out = await answer(
          String(headers[':method']),
          String(headers[':path']),
          target ? String(target) : undefined,
          raw,
        );
        if (stream.destroyed) return;
        stream.respond({ ':status': out.status, ...out.headers });
        stream.end(out.text);
      })().catch(() => {
        if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      });
    });
    return { endpoint: loopback.endpoint, requests, setHandler: (h) => (current = h), close: loopback.close };
  }
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      answer(
        req.method ?? 'GET',
        req.url ?? '/',
        typeof target === 'string' ? target : undefined,
        Buffer.concat(parts).toString('utf8'),
      )
        .then((out) => {
          res.writeHead(out.status, out.headers);
          res.end(out.text);
        })
        .catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setHandler: (h) => {
      current = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A deterministic "embedding" for the fakes: hashed bag of words, so texts sharing words are near. */
export function bagOfWordsVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let h = 2166136261;
    for (const c of word) h = Math.imul(h ^ (c.codePointAt(0) ?? 0), 16777619);
    const slot = (h >>> 0) % dimensions;
    v[slot] = (v[slot] ?? 0) + 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}
