import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback fake of the S3 REST-XML calls the knowledge base adapter makes, with path-style addressing
 * (`/bucket/key`, the client's `forcePathStyle`): PutObject, DeleteObject and ListObjectsV2 (prefix, max-keys,
 * continuation). Objects live in memory; `failNext` makes the next matching request answer an S3 error.
 */
export interface FakeS3 {
  readonly endpoint: string;
  readonly objects: Map<string, { body: string; contentType: string | undefined }>;
  readonly requests: { method: string; path: string }[];
  failNext(method: string, code: string, status?: number): void;
  close(): Promise<void>;
}

export async function startFakeS3(bucket: string): Promise<FakeS3> {
  const objects: FakeS3['objects'] = new Map();
  const requests: FakeS3['requests'] = [];
  const failures: { method: string; code: string; status: number }[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      requests.push({ method, path: url.pathname });
      const [, name, ...rest] = url.pathname.split('/');
      const key = rest.map(decodeURIComponent).join('/');
      const failing = failures.findIndex((f) => f.method === method);
      if (failing >= 0) {
        const [f] = failures.splice(failing, 1);
        return xml(res, f?.status ?? 500, `<Error><Code>${f?.code}</Code><Message>injected</Message></Error>`);
      }
      if (name !== bucket) return xml(res, 404, '<Error><Code>NoSuchBucket</Code><Message>no bucket</Message></Error>');
      if (method === 'PUT' && key) {
        objects.set(key, { body: Buffer.concat(parts).toString('utf8'), contentType: req.headers['content-type'] });
        res.writeHead(200, { etag: '"fake"' }).end();
      } else if (method === 'DELETE' && key) {
        objects.delete(key);
        res.writeHead(204).end();
      } else if (method === 'GET' && !key && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const max = Number(url.searchParams.get('max-keys') ?? 1000);
        const after = url.searchParams.get('continuation-token') ?? '';
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = keys.slice(0, max);
        const truncated = keys.length > page.length;
        const contents = page.map((k) => `<Contents><Key>${xmlText(k)}</Key><Size>1</Size></Contents>`).join('');
        const next = truncated ? `<NextContinuationToken>${xmlText(page.at(-1) ?? '')}</NextContinuationToken>` : '';
        xml(
          res,
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xmlText(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
        );
      } else {
        xml(res, 400, '<Error><Code>NotImplemented</Code><Message>not in the fake</Message></Error>');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    failNext: (method, code, status = 500) => failures.push({ method, code, status }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function xml(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

const xmlText = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
