import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded Web API call, with JSON-valued form fields (blocks, view, files) decoded. */
export interface ApiCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly authorization: string | undefined;
}

const JSON_FIELDS = ['blocks', 'view', 'files', 'attachments'];

/**
 * A loopback Slack Web API speaking the real wire format (form-encoded POST /api/<method>, JSON answers), plus
 * response_url endpoints, the file upload URL of files.uploadV2, and private file downloads guarded by the bot token.
 */
export class FakeSlackApi {
  readonly calls: ApiCall[] = [];
  readonly responses: { readonly id: string; readonly body: Record<string, unknown> }[] = [];
  readonly uploads: { readonly id: string; readonly bytes: Buffer }[] = [];
  readonly files = new Map<string, Buffer>();
  readonly #failures = new Map<string, string>();
  readonly #rateLimits = new Map<string, { retryAfterSec: number; times: number }>();
  #server: Server | undefined;
  #ts = 0;
  #fileCount = 0;
  botToken = 'xoxb-test';
  /** What apps.connections.open hands out (Socket Mode tests point it at a loopback WebSocket server). */
  socketUrl = 'ws://127.0.0.1:1/unused';

  get url(): string {
    const address = this.#server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake Slack API not started');
    return `http://127.0.0.1:${address.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** The next calls of `method` answer `{ ok: false, error }`. */
  fail(method: string, error: string): void {
    this.#failures.set(method, error);
  }

  /** The next `times` calls of `method` answer HTTP 429 `ratelimited` with Retry-After, as Slack does past a tier. */
  rateLimit(method: string, retryAfterSec: number, times = 1): void {
    this.#rateLimits.set(method, { retryAfterSec, times });
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(
        ({ status, body, type, headers }) => {
          res.writeHead(status, { 'content-type': type, ...headers });
          res.end(body);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Polls until `check` returns a value (the adapter works after acking, so effects arrive later). */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async #handle(
    req: IncomingMessage,
  ): Promise<{ status: number; body: string | Buffer; type: string; headers?: Record<string, string> }> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const raw = await readBody(req);
    const json = (body: unknown) => ({ status: 200, body: JSON.stringify(body), type: 'application/json' });
    if (req.method === 'GET' && path.startsWith('/files/')) {
      const file = this.files.get(decodeURIComponent(path.slice('/files/'.length)));
      if (req.headers.authorization !== `Bearer ${this.botToken}`)
        return { status: 200, body: '<html>sign in</html>', type: 'text/html' };
      return file
        ? { status: 200, body: file, type: 'application/octet-stream' }
        : { status: 404, body: '', type: 'text/plain' };
    }
    if (path.startsWith('/respond/')) {
      this.responses.push({ id: path.slice('/respond/'.length), body: JSON.parse(raw.toString('utf8')) });
      return json({ ok: true });
    }
    if (path.startsWith('/upload/')) {
      this.uploads.push({ id: path.slice('/upload/'.length), bytes: raw });
      return { status: 200, body: 'OK', type: 'text/plain' };
    }
    const method = path.replace(/^\/api\//, '');
    const args: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
      args[key] = JSON_FIELDS.includes(key) ? JSON.parse(value) : value;
    }
    this.calls.push({ method, args, authorization: req.headers.authorization });
    const limit = this.#rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      const body = JSON.stringify({ ok: false, error: 'ratelimited' });
      return { status: 429, body, type: 'application/json', headers: { 'retry-after': String(limit.retryAfterSec) } };
    }
    const failure = this.#failures.get(method);
    if (failure) return json({ ok: false, error: failure });
    return json({ ok: true, ...this.#answer(method, args) });
  }

  #answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'sonicord' };
      case 'chat.postMessage':
        return { channel: args.channel, ts: `1700000000.${String(++this.#ts).padStart(6, '0')}` };
      case 'chat.update':
        return { channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { message_ts: '1700000001.000001' };
      case 'apps.connections.open':
        return { url: this.socketUrl };
      case 'views.open':
        return { view: { id: 'V1' } };
      case 'users.info':
        return { user: { id: args.user, name: 'alice', real_name: 'Alice A', profile: { display_name: 'alice' } } };
      case 'conversations.open':
        return { channel: { id: `D${String(args.users)}` } };
      case 'files.getUploadURLExternal': {
        const id = `F${++this.#fileCount}`;
        return { upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal':
        return { files: args.files };
      default:
        return {};
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
