import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Readiness {
  readonly ready: boolean;
  /** Each check by name: `ok`, or why not (shown to whoever probes, so nothing secret). */
  readonly checks: Readonly<Record<string, string>>;
}

export interface OpsServerOptions {
  readonly host: string;
  readonly port: number;
  /** The exposition text and its content type. */
  readonly scrape: () => Promise<{ readonly body: string; readonly contentType: string }>;
  readonly readiness: () => Promise<Readiness>;
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  readonly token?: string;
}

/**
 * The operators' port: /healthz (the process answers), /readyz (it can take work: 503 while starting, degraded or
 * shutting down) and /metrics (Prometheus). Apart from the playground so a load balancer's probes and Prometheus
 * never share the users' listener, and so the playground can stay on loopback while probes come from the network.
 * Probes carry no secrets and load balancers cannot send headers, so only /metrics asks for the token.
 */
export class OpsServer {
  readonly #options: OpsServerOptions;
  readonly #server: Server;
  readonly #token: Buffer | undefined;

  constructor(options: OpsServerOptions) {
    this.#options = options;
    this.#token = options.token === undefined ? undefined : digest(options.token);
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
    });
    // Probes and scrapes are short; a slow or idle client must not hold a socket through shutdown.
    this.#server.requestTimeout = 10_000;
    this.#server.keepAliveTimeout = 5_000;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  get url(): string {
    const { address, port } = this.#server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'use GET\n', { allow: 'GET, HEAD' });
    if (path === '/healthz') return send(res, 200, 'ok\n');
    if (path === '/readyz') {
      const readiness = await this.#options.readiness();
      const lines = Object.entries(readiness.checks).map(([name, state]) => `${name}: ${state}`);
      return send(
        res,
        readiness.ready ? 200 : 503,
        `${readiness.ready ? 'ready' : 'not ready'}\n${lines.join('\n')}\n`,
      );
    }
    if (path === '/metrics') {
      if (!this.#authorized(req)) {
        return send(res, 401, 'metrics need Authorization: Bearer <METRICS_TOKEN>\n', {
          'www-authenticate': 'Bearer realm="sonicord-metrics"',
        });
      }
      const { body, contentType } = await this.#options.scrape();
      return send(res, 200, body, { 'content-type': contentType });
    }
    return send(res, 404, 'not found: try /healthz, /readyz or /metrics\n');
  }

  #authorized(req: IncomingMessage): boolean {
    if (this.#token === undefined) return true;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Digests of equal length, so the comparison takes the same time whatever was sent.
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1]), this.#token);
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
