import type http2 from 'node:http2';
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming';
import { innerMessages, respondAwsError, startH2Loopback, writeEvent, writeException } from './h2-loopback.ts';

/**
 * A loopback fake of Amazon Transcribe streaming (`POST /stream-transcription`, signed event-stream frames of
 * AudioEvents in, TranscriptEvents out) for the real TranscribeStreamingClient.
 */
export interface TranscribeScript {
  /** Each result is sent once this many audio bytes have arrived (16 kHz s16le: 32,000 bytes a second). */
  readonly results?: readonly { readonly afterBytes: number; readonly text: string; readonly partial: boolean }[];
  /** An exception frame after this many bytes. */
  readonly failAfterBytes?: { readonly bytes: number; readonly type: string; readonly message: string };
  /** Refuse the request outright. */
  readonly http?: { readonly status: number; readonly type: string; readonly message: string };
}

export interface FakeTranscribeSession {
  readonly headers: http2.IncomingHttpHeaders;
  audioBytes: number;
  audioEvents: number;
  ended: boolean;
}

export interface FakeTranscribe {
  readonly endpoint: string;
  readonly sessions: FakeTranscribeSession[];
  close(): Promise<void>;
}

export async function startFakeTranscribe(script: (index: number) => TranscribeScript): Promise<FakeTranscribe> {
  const sessions: FakeTranscribeSession[] = [];
  const loopback = await startH2Loopback((stream, headers) => {
    const index = sessions.length;
    const session: FakeTranscribeSession = { headers, audioBytes: 0, audioEvents: 0, ended: false };
    sessions.push(session);
    serve(stream, session, script(index)).catch(() => stream.destroy());
  });
  return { endpoint: loopback.endpoint, sessions, close: () => loopback.close() };
}

async function serve(stream: http2.ServerHttp2Stream, session: FakeTranscribeSession, script: TranscribeScript) {
  if (script.http) {
    respondAwsError(stream, script.http.status, script.http.type, script.http.message);
    return;
  }
  stream.respond({
    ':status': 200,
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-request-id': 'fake-request',
    'x-amzn-transcribe-session-id': `fake-session-${Date.now()}`,
    'x-amzn-transcribe-language-code': String(session.headers['x-amzn-transcribe-language-code'] ?? ''),
  });
  const pending = [...(script.results ?? [])];
  const sendDue = (all: boolean) => {
    while (pending[0] && (all || pending[0].afterBytes <= session.audioBytes)) {
      const result = pending.shift();
      if (!result) break;
      writeEvent(stream, 'TranscriptEvent', {
        Transcript: {
          Results: [
            {
              ResultId: `r-${result.afterBytes}`,
              IsPartial: result.partial,
              StartTime: 0,
              EndTime: session.audioBytes / 32_000,
              Alternatives: [{ Transcript: result.text, Items: [] }],
            },
          ],
        },
      });
    }
  };
  for await (const message of innerMessages(stream)) {
    if (message.headers[':event-type']?.value !== 'AudioEvent') continue;
    session.audioEvents++;
    session.audioBytes += message.body.length;
    sendDue(false);
    const fail = script.failAfterBytes;
    if (fail && session.audioBytes >= fail.bytes) {
      writeException(stream, fail.type, fail.message);
      stream.end();
      return;
    }
  }
  session.ended = true;
  sendDue(true);
  stream.end();
}

export const transcribeClientFor = (endpoint: string): TranscribeStreamingClient =>
  new TranscribeStreamingClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
