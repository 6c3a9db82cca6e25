import WebSocket from 'ws';
import type { ServerMessage } from '../../../adapters/web/protocol.ts';

/** A playground tab without a browser: the real `ws` client, collecting what the server sends. */
export class TestClient {
  readonly messages: ServerMessage[] = [];
  readonly #socket: WebSocket;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.#waiters) wake();
    });
  }

  static async connect(baseUrl: string, path = 'ws'): Promise<TestClient> {
    const socket = new WebSocket(new URL(path, baseUrl.replace(/^http/, 'ws')));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new TestClient(socket);
  }

  /** Connects and says hello as `name`, resolving with the welcome. */
  static async as(baseUrl: string, name: string, staff = false): Promise<TestClient> {
    const client = await TestClient.connect(baseUrl);
    client.send({ type: 'hello', name, staff });
    await client.waitFor((m) => m.type === 'welcome');
    return client;
  }

  send(message: object | string): void {
    this.#socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The first message (already received or coming) that matches. */
  async waitFor<T extends ServerMessage>(match: (m: ServerMessage) => m is T, what?: string): Promise<T>;
  async waitFor(match: (m: ServerMessage) => boolean, what?: string): Promise<ServerMessage>;
  async waitFor(match: (m: ServerMessage) => boolean, what = 'a matching message'): Promise<ServerMessage> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 200);
        this.#waiters.add(wake);
      });
    }
  }

  final(id: string): Promise<Extract<ServerMessage, { type: 'final' }>> {
    return this.waitFor((m): m is Extract<ServerMessage, { type: 'final' }> => m.type === 'final' && m.id === id);
  }

  async close(): Promise<void> {
    if (this.#socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    this.#socket.close();
    await closed;
  }
}
