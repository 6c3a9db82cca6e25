import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface AccessOptions {
  /** PLAYGROUND_TOKEN: anyone who gives it may use the playground. */
  readonly token?: string;
  /** PLAYGROUND_STAFF_TOKEN: signs in with staff mode allowed (the Staff switch). */
  readonly staffToken?: string;
}

/** What a request may do: use the playground at all, and switch staff on. */
export interface Grant {
  readonly staff: boolean;
}

const COOKIE = 'sonicord_session';
const SESSION_MS = 12 * 60 * 60_000;
const MAX_FAILURES_PER_MINUTE = 10;
/** Paths that act as a user; the page and its scripts stay public (they hold no data). */
const GUARDED = ['/ws', '/voice', '/uploads'];

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
/** Compares digests of equal length, so neither the content nor the length of a token leaks through timing. */
const same = (given: string, expected: string): boolean => timingSafeEqual(digest(given), digest(expected));

/**
 * The playground's door. With no token configured (loopback) everyone gets in with staff allowed, as before.
 * With a token, a browser signs in once (POST /signin) and gets an HttpOnly, SameSite=Strict session cookie;
 * the WebSocket, voice and upload routes refuse requests without it, and staff mode needs the staff token.
 */
export class PlaygroundAccess {
  readonly #options: AccessOptions;
  readonly #sessions = new Map<string, { staff: boolean; expires: number }>();
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(options: AccessOptions) {
    this.#options = options;
  }

  get required(): boolean {
    return Boolean(this.#options.token || this.#options.staffToken);
  }

  /** The grant of a request: its session, or everything when no sign-in is required. */
  grantOf(request: FastifyRequest): Grant | undefined {
    if (!this.required) return { staff: true };
    const id = cookieValue(request.headers.cookie, COOKIE);
    const session = id ? this.#sessions.get(id) : undefined;
    if (!session || session.expires < Date.now()) return undefined;
    return { staff: session.staff };
  }

  register(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0] ?? '';
      if (!GUARDED.includes(path) || this.grantOf(request)) return;
      await reply.code(401).send({ error: 'Sign in first: open the playground page and give the access token.' });
    });
    app.get('/session', async (request) => {
      const grant = this.grantOf(request);
      return { required: this.required, signedIn: Boolean(grant), staff: grant?.staff ?? false };
    });
    app.post('/signin', async (request, reply) => this.#signIn(request, reply));
  }

  async #signIn(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!this.required) return reply.send({ signedIn: true, staff: true });
    if (this.#tooManyFailures(request.ip)) {
      return reply.code(429).send({ error: 'Too many wrong tokens; wait a minute and try again.' });
    }
    const body = request.body as { token?: unknown } | undefined;
    const given = typeof body?.token === 'string' ? body.token : '';
    const { token, staffToken } = this.#options;
    const staff = Boolean(staffToken && given && same(given, staffToken));
    const user = staff || Boolean(token && given && same(given, token));
    if (!user) {
      this.#noteFailure(request.ip);
      this.#sweep();
      return reply.code(401).send({ error: 'That token is not right.' });
    }
    this.#sweep();
    const id = randomBytes(24).toString('base64url');
    this.#sessions.set(id, { staff, expires: Date.now() + SESSION_MS });
    return reply
      .header('set-cookie', `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`)
      .send({ signedIn: true, staff });
  }

  #tooManyFailures(ip: string): boolean {
    const entry = this.#failures.get(ip);
    if (!entry || Date.now() - entry.since > 60_000) return false;
    return entry.count >= MAX_FAILURES_PER_MINUTE;
  }

  #noteFailure(ip: string): void {
    const entry = this.#failures.get(ip);
    if (!entry || Date.now() - entry.since > 60_000) this.#failures.set(ip, { count: 1, since: Date.now() });
    else entry.count++;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.#sessions) if (session.expires < now) this.#sessions.delete(id);
    for (const [ip, entry] of this.#failures) if (now - entry.since > 60_000) this.#failures.delete(ip);
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
