import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { RawData } from 'ws';
import { type Core, commandsFor, type Surface } from '../../src/chat/surface.ts';
import { type AccessOptions, PlaygroundAccess } from './access.ts';
import { PlaygroundDirectMessenger } from './direct-messenger.ts';
import { PlaygroundSession } from './session.ts';
import { UploadStore, UploadTooLargeError } from './uploads.ts';
import { PlaygroundVoice, type PlaygroundVoiceHook } from './voice-route.ts';

export interface PlaygroundOptions {
  readonly core: Core;
  /**
   * Defaults to 127.0.0.1, open to whoever uses this machine. Any other address needs `access` with a token:
   * the playground refuses to start without one.
   */
  readonly host?: string;
  /** Tokens that sign a browser in (PLAYGROUND_TOKEN, PLAYGROUND_STAFF_TOKEN); with one set, sign-in is required. */
  readonly access?: AccessOptions;
  /** 0 picks a free port (tests). */
  readonly port?: number;
  readonly maxUploadBytes?: number;
  /** Progress edits per answer are coalesced to one per interval. */
  readonly editIntervalMs?: number;
  /** Pass the one attached to the RoutingNotifier; a fresh one otherwise (read it back from `messenger`). */
  readonly messenger?: PlaygroundDirectMessenger;
  readonly voice?: PlaygroundVoiceHook;
}

const staticRoot = fileURLToPath(new URL('./static/', import.meta.url));
/** The command-line grammar the server parses with, served as it is so the browser's box reads lines the same way. */
const commandLineModule = new URL('../../src/chat/command-line.js', import.meta.url);
const maxMessageBytes = 1024 * 1024;

/** The local web playground: the same commands as Discord and Slack, in a browser. */
export class PlaygroundSurface implements Surface {
  readonly platform = 'web' as const;
  readonly messenger: PlaygroundDirectMessenger;
  readonly #options: PlaygroundOptions;
  readonly #uploads: UploadStore;
  readonly #voice: PlaygroundVoice;
  readonly #access: PlaygroundAccess;
  readonly #sessions = new Set<PlaygroundSession>();
  #app: FastifyInstance | undefined;
  #url: string | undefined;

  constructor(options: PlaygroundOptions) {
    this.#options = options;
    this.messenger = options.messenger ?? new PlaygroundDirectMessenger();
    this.#uploads = new UploadStore({ maxBytes: options.maxUploadBytes ?? 25 * 1024 * 1024 });
    this.#voice = new PlaygroundVoice(options.voice, options.core.log.child({ platform: 'web' }));
    this.#access = new PlaygroundAccess(options.access ?? {});
  }

  /** The page's address, once started. */
  get url(): string {
    if (!this.#url) throw new Error('The playground is not started yet.');
    return this.#url;
  }

  async start(): Promise<void> {
    const host = this.#options.host ?? '127.0.0.1';
    if (!isLoopback(host) && !this.#access.required) {
      throw new Error(
        `The playground would listen on ${host}, where other machines can reach it, with no sign-in: set ` +
          'PLAYGROUND_TOKEN (and PLAYGROUND_STAFF_TOKEN for staff mode), or PLAYGROUND_HOST=127.0.0.1.',
      );
    }
    const app = Fastify({ logger: false, forceCloseConnections: true });
    this.#app = app;
    await app.register(fastifyWebsocket, { options: { maxPayload: maxMessageBytes } });
    await app.register(fastifyStatic, { root: staticRoot, index: 'index.html' });
    app.addHook('onRequest', sameOriginOnly(isLoopback(host)));
    this.#access.register(app);
    const grammar = await readFile(commandLineModule, 'utf8');
    app.get('/lib/command-line.js', (_request, reply) =>
      reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(grammar),
    );
    app.get('/ws', { websocket: true }, (socket, request) =>
      this.#openSession(socket, this.#access.grantOf(request)?.staff === true),
    );
    app.get('/voice', { websocket: true }, (socket, request) => {
      const staffAllowed = this.#access.grantOf(request)?.staff === true;
      void this.#voice.connect(socket, request.query, staffAllowed).catch((error: unknown) => {
        this.#options.core.log.error({ err: error, platform: 'web' }, 'voice connection failed');
        socket.close(1011, 'voice failed');
      });
    });
    await app.register(async (scope) => {
      // Uploads stream straight to disk: the body is never parsed or buffered whole.
      scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      scope.post('/uploads', (request, reply) => this.#upload(request, reply));
    });
    const wanted = this.#options.port ?? 3000;
    try {
      await app.listen({ host, port: wanted });
    } catch (error) {
      await app.close();
      this.#app = undefined;
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      throw new Error(`Port ${wanted} on ${host} is taken: set PLAYGROUND_PORT to a free port (0 picks one).`, {
        cause: error,
      });
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : this.#options.port;
    this.#url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
    this.#options.core.log.info({ platform: 'web', url: this.#url }, 'playground listening');
  }

  async stop(): Promise<void> {
    for (const session of this.#sessions) session.close();
    this.#sessions.clear();
    await this.#app?.close();
    this.#app = undefined;
    await this.#uploads.close();
  }

  #openSession(socket: import('ws').WebSocket, staffAllowed: boolean): void {
    const core = this.#options.core;
    const session = new PlaygroundSession(socket, {
      core,
      commands: commandsFor(core, 'web'),
      uploads: this.#uploads,
      messenger: this.messenger,
      editIntervalMs: this.#options.editIntervalMs ?? 250,
      voiceFor: (invoker) => this.#voice.voiceFor(invoker),
      staffAllowed,
    });
    this.#sessions.add(session);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) session.send({ type: 'error', message: 'Send JSON text messages on this socket.' });
      else session.receive(data.toString());
    });
    socket.on('close', () => {
      session.close();
      this.#sessions.delete(session);
    });
  }

  async #upload(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const limit = this.#uploads.maxBytes;
    const query = request.query as Record<string, unknown>;
    const name = typeof query.name === 'string' ? query.name.replace(/^.*[\\/]/, '').slice(0, 200) : '';
    if (!name) return reply.code(400).send({ error: 'Give the file name: POST /uploads?name=results.csv' });
    const tooLarge = () =>
      reply
        .code(413)
        .header('connection', 'close')
        .send({
          error: `The file is larger than the ${limit >= 1024 * 1024 ? `${(limit / 1024 / 1024).toFixed(1)} MiB` : `${limit} bytes`} limit (BENCH_MAX_BYTES).`,
        });
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge();
    try {
      const contentType = request.headers['content-type'];
      const saved = await this.#uploads.save(request.body as import('node:stream').Readable, {
        name,
        ...(contentType ? { contentType } : {}),
      });
      return reply.send({ id: saved.id, name, size: saved.size });
    } catch (error) {
      if (error instanceof UploadTooLargeError) return tooLarge();
      throw error;
    }
  }
}

const loopbackNames = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const isLoopback = (host: string): boolean => loopbackNames.has(host) || host.startsWith('127.');

/**
 * Refuses cross-site requests: a page on another site must not drive a user's local playground. On loopback
 * the Host header must name loopback too, which defeats DNS rebinding (evil.example resolving to 127.0.0.1).
 */
const sameOriginOnly =
  (loopbackOnly: boolean) =>
  async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = request.headers.host ?? '';
    const hostname = host.replace(/:\d+$/, '');
    if (loopbackOnly && !isLoopback(hostname)) {
      await reply.code(403).send({ error: `Open the playground at http://127.0.0.1, not ${hostname}.` });
      return;
    }
    const origin = request.headers.origin;
    if (!origin) return;
    let originHost = '';
    try {
      originHost = new URL(origin).host;
    } catch {
      // an unparsable Origin is refused below
    }
    if (originHost !== host) await reply.code(403).send({ error: 'Cross-site requests are refused.' });
  };
