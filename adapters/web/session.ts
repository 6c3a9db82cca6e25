import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { Command } from '../../src/chat/command.ts';
import type { CommandContext, Invoker } from '../../src/chat/context.ts';
import { handleMessage, newCorrelationId, runCommand } from '../../src/chat/dispatcher.ts';
import type { RawOptions, RawValue } from '../../src/chat/options.ts';
import { errorReply, type Reply, text } from '../../src/chat/reply.ts';
import type { Core } from '../../src/chat/surface.ts';
import { parseTextArgs } from '../../src/chat/text-args.ts';
import { ThrottledEdits } from '../../src/chat/throttled-edits.ts';
import type { VoiceSurface } from '../../src/chat/voice-surface.ts';
import { userId } from '../../src/domain/ids.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import { actionClick } from './action-click.ts';
import { autocompleteChoices } from './autocomplete.ts';
import type { PlaygroundDirectMessenger, Tab } from './direct-messenger.ts';
import { type ClientMessage, clientMessage, describeIssues, type ServerMessage } from './protocol.ts';
import { commandInfo, replyJson } from './reply-json.ts';
import type { UploadStore } from './uploads.ts';

export interface SessionDeps {
  readonly core: Core;
  /** The commands the web surface carries. */
  readonly commands: readonly Command[];
  readonly uploads: UploadStore;
  readonly messenger: PlaygroundDirectMessenger;
  readonly editIntervalMs: number;
  /** The voice surface commands such as /join see for this tab's user, when voice is configured. */
  readonly voiceFor?: (invoker: Invoker) => VoiceSurface | undefined;
  /** False when the tab signed in with the user token only: the Staff switch is refused. Default: true. */
  readonly staffAllowed?: boolean;
}

type CommandMessage = Extract<ClientMessage, { type: 'command' }>;

/**
 * One browser tab: its WebSocket, who it acts as, and the commands it has running. Closing the tab aborts
 * those commands and nothing else.
 */
export class PlaygroundSession implements Tab {
  readonly #socket: WebSocket;
  readonly #deps: SessionDeps;
  readonly #id = randomUUID().slice(0, 8);
  readonly #running = new Map<string, AbortController>();
  #invoker: Invoker | undefined;

  constructor(socket: WebSocket, deps: SessionDeps) {
    this.#socket = socket;
    this.#deps = deps;
  }

  get userName(): string | undefined {
    return this.#invoker?.displayName;
  }

  send(message: ServerMessage): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  /** Parses one WebSocket message; a malformed one gets an error back and changes nothing. */
  receive(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      this.send({ type: 'error', message: 'That message is not JSON; send one JSON object per message.' });
      return;
    }
    const parsed = clientMessage.safeParse(json);
    if (!parsed.success) {
      this.send({ type: 'error', message: `Malformed message: ${describeIssues(parsed.error)}` });
      return;
    }
    void this.#dispatch(parsed.data).catch((error: unknown) => {
      this.#deps.core.log.error({ err: error, platform: 'web', session: this.#id }, 'playground message failed');
    });
  }

  /** The tab went away: abort what it was running. */
  close(): void {
    for (const controller of this.#running.values()) controller.abort(new Error('The playground tab closed.'));
    this.#running.clear();
    this.#deps.messenger.detach(this);
  }

  async #dispatch(message: ClientMessage): Promise<void> {
    if (message.type === 'hello') return this.#hello(message.name, message.staff);
    const invoker = this.#invoker;
    if (!invoker) {
      const id = 'id' in message ? { id: message.id } : {};
      this.send({ type: 'error', message: 'Say hello first: {"type":"hello","name":"alice"}.', ...id });
      return;
    }
    switch (message.type) {
      case 'command':
        return this.#command(invoker, message);
      case 'message':
        return this.#run(invoker, message.id, 'message', message.threadKey, (ctx) =>
          handleMessage(this.#deps.core.messageHandlers, ctx, message.text).then(
            (reply) => reply ?? text('I answer slash commands here: type `/` to see them, or `/help`.'),
          ),
        );
      case 'autocomplete': {
        const choices = await autocompleteChoices(this.#deps, invoker, message);
        this.send({ type: 'autocomplete', id: message.id, choices });
        return;
      }
      case 'cancel':
        this.#running.get(message.id)?.abort(new Error('Cancelled from the playground.'));
        return;
      case 'action':
        this.send(await actionClick(this.#deps.core, this.#deps.commands, { id: this.#id, invoker }, message));
        return;
    }
  }

  #hello(name: string, wantsStaff: boolean): void {
    const staff = wantsStaff && this.#deps.staffAllowed !== false;
    if (wantsStaff && !staff) {
      this.send({
        type: 'error',
        message: 'Staff mode needs signing in with the staff token (PLAYGROUND_STAFF_TOKEN).',
      });
    }
    this.#invoker = { user: userId('web', name), displayName: name, isStaff: staff };
    const commands = this.#deps.commands.map(commandInfo);
    this.send({ type: 'welcome', user: userId('web', name), staff, commands });
    this.#deps.messenger.attach(this);
  }

  async #command(invoker: Invoker, message: CommandMessage): Promise<void> {
    const command = this.#deps.commands.find((c) => c.name === message.name);
    if (!command) {
      const reply = errorReply({
        code: 'input.unknown_command',
        message: `There is no /${message.name} here.`,
        hint: 'Type `/` to see the commands, or run /help.',
      });
      this.send({ type: 'final', id: message.id, reply: replyJson(reply), threadKey: '' });
      return;
    }
    const raw = this.#rawOptions(command, message);
    await this.#run(invoker, message.id, command.name, undefined, (ctx) =>
      raw.ok ? runCommand(command, ctx, raw.value) : Promise.resolve(errorReply(raw.error)),
    );
  }

  /** Free text first (parsed exactly like Slack's), then structured values, which win. */
  #rawOptions(command: Command, message: CommandMessage): Result<RawOptions> {
    const values: Record<string, RawValue> = {};
    if (message.text && message.text.trim() !== '') {
      const parsed = parseTextArgs(command, message.text);
      if (!parsed.ok) return parsed;
      for (const [name, value] of Object.entries(parsed.value)) if (value !== undefined) values[name] = value;
    }
    for (const [name, value] of Object.entries(message.options ?? {})) {
      if (!Object.hasOwn(command.options, name)) {
        const known = Object.keys(command.options).join(', ') || 'none';
        return err(
          appError('input.unknown_option', `/${command.name} has no option \`${name}\`.`, `Options: ${known}.`),
        );
      }
      if (typeof value !== 'object') {
        values[name] = value;
        continue;
      }
      const file = this.#deps.uploads.file(value.upload);
      if (!file) {
        return err(
          appError('upload.not_found', `The file for \`${name}\` is no longer on the server.`, 'Attach it again.'),
        );
      }
      values[name] = file;
    }
    return ok(values);
  }

  async #run(
    invoker: Invoker,
    id: string,
    what: string,
    threadKey: string | undefined,
    run: (ctx: CommandContext) => Promise<Reply>,
  ): Promise<void> {
    if (this.#running.has(id)) {
      this.send({ type: 'error', id, message: `A request with id ${id} is still running; use a new id.` });
      return;
    }
    const controller = new AbortController();
    this.#running.set(id, controller);
    const log = this.#deps.core.log.child({ platform: 'web', command: what, session: this.#id });
    const edits = new ThrottledEdits<{ reply: Reply; cancellable: boolean }>(
      async ({ reply, cancellable }) => this.send({ type: 'progress', id, reply: replyJson(reply), cancellable }),
      this.#deps.editIntervalMs,
      (error) => log.warn({ err: error }, 'progress update failed'),
    );
    // A follow-up in a thread stays in that thread, so the conversation keeps one key.
    const answerKey = threadKey ?? `web:${randomUUID().slice(0, 12)}`;
    const voice = this.#deps.voiceFor?.(invoker);
    const ctx: CommandContext = {
      invoker,
      place: {
        platform: 'web',
        spaceId: 'playground',
        channelId: `tab:${this.#id}`,
        isDirect: false,
        onlyInvokerSees: true,
        ...(threadKey === undefined ? {} : { threadKey }),
      },
      invocationId: `${this.#id}:${id}`,
      correlationId: newCorrelationId(),
      deps: this.#deps.core.deps,
      reply: {
        progress: (reply, options) => edits.push({ reply, cancellable: options?.cancellable === true }),
        threadKey: async () => answerKey,
      },
      signal: controller.signal,
      log,
      ...(voice === undefined ? {} : { voice }),
    };
    try {
      const reply = await run(ctx);
      await edits.close();
      this.send({ type: 'final', id, reply: replyJson(reply), threadKey: answerKey });
    } finally {
      await edits.close();
      this.#running.delete(id);
    }
  }
}
