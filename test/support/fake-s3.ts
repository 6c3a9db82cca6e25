import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * A loopback fake of S3's REST API, path-style (`/bucket/key`, the client's `forcePathStyle`), for the operations
 * /bench batch runs and the knowledge base's uploads use: PutObject, GetObject, DeleteObject and ListObjectsV2 (with
 * MaxKeys and continuation tokens). Objects live in `objects`
 * (`bucket/key` → bytes) so a fake service (the Bedrock batch fake) can read and write them directly.
 * Accepts plain bodies and `aws-chunked` ones (the SDK's flexible checksums send trailers that way).
 */
export interface FakeS3 {
  readonly endpoint: string;
  readonly objects: Map<string, Buffer>;
  readonly requests: { method: string; path: string }[];
  /** Page size of ListObjectsV2 (S3: 1,000); small in tests so pagination is exercised. */
  listPageSize: number;
  /** Answers the next matching request with an S3 error instead. */
  failNext(match: (method: string, path: string) => boolean, code: string, status: number): void;
  /** One bucket's objects by key, as text (what a test of one bucket reads and seeds). */
  bucket(name: string): BucketView;
  client(): S3Client;
  close(): Promise<void>;
}

export interface BucketView {
  keys(): string[];
  get(key: string): string | undefined;
  has(key: string): boolean;
  set(key: string, body: string): void;
  delete(key: string): void;
  clear(): void;
}

export async function startFakeS3(): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: { method: string; path: string }[] = [];
  const failures: { match: (method: string, path: string) => boolean; code: string; status: number }[] = [];
  const state = { listPageSize: 1000 };
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname });
      const failure = failures.findIndex((f) => f.match(method, url.pathname));
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        return xml(res, f?.status ?? 500, `<Error><Code>${f?.code}</Code><Message>injected</Message></Error>`);
      }
      const [, bucket = '', ...rest] = url.pathname.split('/');
      const key = rest.map(decodeURIComponent).join('/');
      if (method === 'PUT' && key) {
        const raw = Buffer.concat(parts);
        const chunked = String(req.headers['content-encoding'] ?? '').includes('aws-chunked');
        objects.set(`${bucket}/${key}`, chunked ? decodeAwsChunked(raw) : raw);
        res.writeHead(200, { etag: '"fake"' });
        return res.end();
      }
      if (method === 'DELETE' && key) {
        objects.delete(`${bucket}/${key}`);
        res.writeHead(204);
        return res.end();
      }
      if (method === 'GET' && key) {
        const body = objects.get(`${bucket}/${key}`);
        if (!body) return xml(res, 404, '<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength });
        return res.end(body);
      }
      if (method === 'GET' && url.searchParams.get('list-type') === '2') {
        return xml(res, 200, listPage(objects, bucket, url.searchParams, state.listPageSize));
      }
      xml(res, 400, '<Error><Code>NotImplemented</Code><Message>not in the fake</Message></Error>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    objects,
    requests,
    get listPageSize() {
      return state.listPageSize;
    },
    set listPageSize(n: number) {
      state.listPageSize = n;
    },
    failNext: (match, code, status) => failures.push({ match, code, status }),
    bucket: (name) => bucketView(objects, name),
    client: () =>
      new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
        maxAttempts: 1,
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function bucketView(objects: Map<string, Buffer>, bucket: string): BucketView {
  const at = (key: string) => `${bucket}/${key}`;
  const own = () => [...objects.keys()].filter((k) => k.startsWith(`${bucket}/`));
  return {
    keys: () => own().map((k) => k.slice(bucket.length + 1)),
    get: (key) => objects.get(at(key))?.toString('utf8'),
    has: (key) => objects.has(at(key)),
    set: (key, body) => void objects.set(at(key), Buffer.from(body)),
    delete: (key) => void objects.delete(at(key)),
    clear: () => {
      for (const k of own()) objects.delete(k);
    },
  };
}

function listPage(objects: Map<string, Buffer>, bucket: string, params: URLSearchParams, pageSize: number): string {
  const prefix = params.get('prefix') ?? '';
  const maxKeys = Math.min(pageSize, Number(params.get('max-keys') ?? 1000));
  const start = Number(params.get('continuation-token') ?? 0);
  const keys = [...objects.keys()]
    .filter((k) => k.startsWith(`${bucket}/${prefix}`))
    .map((k) => k.slice(bucket.length + 1))
    .sort();
  const page = keys.slice(start, start + maxKeys);
  const truncated = start + maxKeys < keys.length;
  const contents = page
    .map(
      (k) => `<Contents><Key>${escapeXml(k)}</Key><Size>${objects.get(`${bucket}/${k}`)?.byteLength}</Size></Contents>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${start + maxKeys}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`;
}

function xml(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(body);
}

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `aws-chunked`: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` … `0\r\n<trailers>\r\n\r\n`. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = Number.parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0] ?? '0', 16);
    if (!size) break;
    out.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
