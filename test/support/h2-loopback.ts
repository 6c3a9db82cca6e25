import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec, type Message, type MessageHeaders } from '@smithy/eventstream-codec';

/**
 * A cleartext HTTP/2 server on 127.0.0.1 for loopback fakes of AWS services (the SDK's Node clients speak h2c to
 * an `http://` endpoint). It tracks sessions so `close()` never hangs, and gives every stream an error listener.
 */
export interface H2Loopback {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startH2Loopback(
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void,
): Promise<H2Loopback> {
  const server = http2.createServer();
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.on('error', () => {});
    session.on('close', () => sessions.delete(session));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    onStream(stream, headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      for (const session of sessions) session.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const toUtf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
const fromUtf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
export const eventStreamCodec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * Decodes a request body of signed event-stream frames as the SDK sends them: each outer message (`:date`,
 * `:chunk-signature`) wraps one inner message; an empty outer body marks the end. Signatures are not checked.
 * It reads until the client ends the stream: leaving the loop early would destroy the stream and lose replies.
 */
export async function* innerMessages(stream: AsyncIterable<Buffer>): AsyncIterable<Message> {
  let pending = Buffer.alloc(0);
  for await (const chunk of stream) {
    pending = Buffer.concat([pending, chunk]);
    // The codec decodes one whole message: split on each message's 4-byte big-endian total length.
    while (pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
      const total = pending.readUInt32BE(0);
      const outer = eventStreamCodec.decode(pending.subarray(0, total));
      pending = pending.subarray(total);
      if (outer.body.length === 0) continue;
      yield eventStreamCodec.decode(outer.body);
    }
  }
}

export const stringHeaders = (values: Record<string, string>): MessageHeaders =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { type: 'string', value: v }]));

/**
 * Writes one JSON event-stream frame (`:message-type` event or exception) unless the reply is already over:
 * writing after `end()` would error the stream.
 */
export function writeFrame(
  stream: http2.ServerHttp2Stream,
  messageType: 'event' | 'exception',
  type: string,
  payload: unknown,
): void {
  if (stream.destroyed || stream.closed || stream.writableEnded) return;
  stream.write(
    eventStreamCodec.encode({
      headers: stringHeaders({
        ':message-type': messageType,
        [messageType === 'event' ? ':event-type' : ':exception-type']: type,
        ':content-type': 'application/json',
      }),
      body: fromUtf8(JSON.stringify(payload)),
    }),
  );
}

export const writeEvent = (stream: http2.ServerHttp2Stream, eventType: string, payload: unknown): void =>
  writeFrame(stream, 'event', eventType, payload);

/** An exception frame with the message under both spellings AWS services use. */
export const writeException = (stream: http2.ServerHttp2Stream, exceptionType: string, message: string): void =>
  writeFrame(stream, 'exception', exceptionType, { Message: message, message });

export const readBody = (stream: http2.ServerHttp2Stream): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });

export function respondAwsError(stream: http2.ServerHttp2Stream, status: number, type: string, message: string) {
  if (stream.destroyed || stream.closed) return;
  stream.respond({ ':status': status, 'content-type': 'application/json', 'x-amzn-errortype': type });
  stream.end(JSON.stringify({ message }));
}
