import type { AppDeps } from '../../src/app/deps.ts';
import { ToolRegistry } from '../../src/app/tools.ts';
import type { CommandContext, Invoker, Place, ReplyChannel } from '../../src/chat/context.ts';
import type { Reply } from '../../src/chat/reply.ts';
import type { VoiceSurface } from '../../src/chat/voice-surface.ts';
import { userId } from '../../src/domain/ids.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Notifier, NotifyOutcome } from '../../src/ports/notifier.ts';

/**
 * Object mother for a command context without any platform: run commands through `runCommand` and read what they
 * showed on the way. Deps groups you do not pass throw a clear error when a command touches them.
 *
 *   const ctx = aCommandContext({ deps: { ask: askDeps }, threadKey: 'thread-1' });
 *   const reply = await runCommand(askCommand, ctx, { prompt: 'hi' });
 *   expect(ctx.reply.progressReplies.length).toBeGreaterThan(0);
 */
export interface TestCommandContext extends CommandContext {
  readonly reply: RecordingReplyChannel;
  /** Aborts `signal` (the user pressed Cancel). */
  cancel(): void;
}

export interface CommandContextOverrides {
  readonly invoker?: Partial<Invoker>;
  readonly place?: Partial<Place>;
  readonly deps?: Partial<AppDeps>;
  /** What `ctx.reply.threadKey()` answers; undefined by default (no thread). */
  readonly threadKey?: string;
  readonly invocationId?: string;
  readonly correlationId?: string;
  readonly log?: Logger;
  readonly voice?: VoiceSurface;
}

/** Records every progress update and notification instead of rendering it. */
export class RecordingReplyChannel implements ReplyChannel {
  readonly progressReplies: Reply[] = [];
  /** Every progress call with its options (e.g. whether a Cancel button was asked for). */
  readonly progressCalls: { reply: Reply; cancellable: boolean }[] = [];
  /** Called on each progress update (e.g. to cancel once the first tokens arrived). */
  onProgress: ((reply: Reply) => void) | undefined;
  readonly #threadKey: string | undefined;
  threadKeyCalls = 0;

  constructor(threadKey?: string) {
    this.#threadKey = threadKey;
  }

  progress(reply: Reply, options?: { readonly cancellable?: boolean }): void {
    this.progressReplies.push(reply);
    this.progressCalls.push({ reply, cancellable: options?.cancellable === true });
    this.onProgress?.(reply);
  }

  async threadKey(): Promise<string | undefined> {
    this.threadKeyCalls++;
    return this.#threadKey;
  }

  /** The text of every text progress update, in order. */
  get progressTexts(): string[] {
    return this.progressReplies.flatMap((r) => (r.kind === 'text' ? [r.text] : []));
  }
}

/** A notifier that keeps what it was asked to send, and answers `outcome` (`sent` unless a test changes it). */
export class RecordingNotifier implements Notifier {
  readonly sent: { user: string; reply: Reply }[] = [];
  outcome: NotifyOutcome = 'sent';
  async notify(user: string, reply: Reply): Promise<NotifyOutcome> {
    this.sent.push({ user, reply });
    return this.outcome;
  }
}

/** Logs into an array, so tests can assert that something was (or was not) logged. */
export class RecordingLogger implements Logger {
  readonly lines: { level: string; fields: object; message?: string }[];
  constructor(lines: { level: string; fields: object; message?: string }[] = []) {
    this.lines = lines;
  }
  debug(fields: object, message?: string) {
    this.#push('debug', fields, message);
  }
  info(fields: object, message?: string) {
    this.#push('info', fields, message);
  }
  warn(fields: object, message?: string) {
    this.#push('warn', fields, message);
  }
  error(fields: object, message?: string) {
    this.#push('error', fields, message);
  }
  child(): Logger {
    return new RecordingLogger(this.lines);
  }
  #push(level: string, fields: object, message?: string) {
    this.lines.push(message === undefined ? { level, fields } : { level, fields, message });
  }
}

/** A deps group that was not given: any use names the group, so a failing test says what to pass. */
function unconfigured<T extends object>(group: string): T {
  return new Proxy({} as T, {
    get(_target, key) {
      if (typeof key === 'symbol' || key === 'then') return undefined;
      throw new Error(`aCommandContext: deps.${group}.${key} was used but not given; pass deps: { ${group}: ... }`);
    },
  });
}

export function aDeps(overrides: Partial<AppDeps> = {}): AppDeps {
  return {
    log: new RecordingLogger(),
    now: () => new Date('2026-11-24T10:00:00Z'),
    notifier: new RecordingNotifier(),
    tools: new ToolRegistry(),
    ask: unconfigured('ask'),
    orders: unconfigured('orders'),
    bench: unconfigured('bench'),
    voice: unconfigured('voice'),
    knowledge: unconfigured('knowledge'),
    ...overrides,
  };
}

export function aCommandContext(overrides: CommandContextOverrides = {}): TestCommandContext {
  const controller = new AbortController();
  const platform = overrides.place?.platform ?? 'web';
  const invoker: Invoker = {
    user: userId(platform, 'alice'),
    displayName: 'Alice',
    isStaff: false,
    ...overrides.invoker,
  };
  const place: Place = { platform, spaceId: 'space-1', channelId: 'channel-1', isDirect: false, ...overrides.place };
  const deps = aDeps(overrides.deps);
  return {
    invoker,
    place,
    invocationId: overrides.invocationId ?? 'invocation-1',
    correlationId: overrides.correlationId ?? 'corr0001',
    deps,
    reply: new RecordingReplyChannel(overrides.threadKey),
    signal: controller.signal,
    log: overrides.log ?? deps.log,
    ...(overrides.voice === undefined ? {} : { voice: overrides.voice }),
    cancel: () => controller.abort(),
  };
}
