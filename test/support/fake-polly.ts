import { PollyClient } from '@aws-sdk/client-polly';
import { readBody, respondAwsError, startH2Loopback } from './h2-loopback.ts';

/** A loopback fake of Amazon Polly's SynthesizeSpeech (`POST /v1/speech`) for the real PollyClient. */
export interface PollyRequest {
  readonly Text: string;
  readonly VoiceId: string;
  readonly Engine?: string;
  readonly OutputFormat: string;
  readonly SampleRate?: string;
}

export type PollyAnswer =
  | { readonly type: 'pcm'; readonly samples: Int16Array; readonly chunkBytes?: number }
  | { readonly type: 'error'; readonly status: number; readonly errorType: string; readonly message: string };

export interface FakePolly {
  readonly endpoint: string;
  readonly requests: PollyRequest[];
  close(): Promise<void>;
}

export async function startFakePolly(answer: (request: PollyRequest) => PollyAnswer): Promise<FakePolly> {
  const requests: PollyRequest[] = [];
  const loopback = await startH2Loopback((stream) => {
    readBody(stream)
      .then((body) => {
        const request = JSON.parse(body.toString('utf8')) as PollyRequest;
        requests.push(request);
        const reply = answer(request);
        if (reply.type === 'error') {
          respondAwsError(stream, reply.status, reply.errorType, reply.message);
          return;
        }
        const bytes = Buffer.from(reply.samples.buffer, reply.samples.byteOffset, reply.samples.byteLength);
        stream.respond({
          ':status': 200,
          'content-type': 'audio/pcm',
          'x-amzn-requestcharacters': String(request.Text.length),
        });
        const step = reply.chunkBytes ?? 3200;
        for (let at = 0; at < bytes.length; at += step) stream.write(bytes.subarray(at, at + step));
        stream.end();
      })
      .catch(() => stream.destroy());
  });
  return { endpoint: loopback.endpoint, requests, close: () => loopback.close() };
}

export const pollyClientFor = (endpoint: string): PollyClient =>
  new PollyClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
