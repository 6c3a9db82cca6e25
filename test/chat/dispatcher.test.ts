import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.ts';
import { defineCommand } from '../../src/chat/command.ts';
import type { CommandContext } from '../../src/chat/context.ts';
import { handleMessage, runCommand } from '../../src/chat/dispatcher.ts';
import { text } from '../../src/chat/reply.ts';
import { userId } from '../../src/domain/ids.ts';
import type { Logger } from '../../src/ports/logger.ts';

function recordingLogger(): Logger & { errors: object[] } {
  const errors: object[] = [];
  const log: Logger & { errors: object[] } = {
    errors,
    debug() {},
    info() {},
    warn() {},
    error(fields) {
      errors.push(fields);
    },
    child: () => log,
  };
  return log;
}

function context(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    invoker: { user: userId('web', 'ana'), displayName: 'Ana', isStaff: false },
    place: { platform: 'web', spaceId: 's', channelId: 'c', isDirect: false },
    invocationId: 'i-1',
    correlationId: 'corr-1',
    deps: {} as AppDeps,
    reply: { progress() {}, threadKey: async () => undefined },
    signal: new AbortController().signal,
    log: recordingLogger(),
    ...overrides,
  };
}

const echo = defineCommand({
  name: 'echo',
  description: 'Echo',
  visibility: 'public',
  options: { words: { type: 'string', description: 'Words', maxLength: 5 } },
  run: async (_ctx, { words }) => text(words),
});

describe('runCommand', () => {
  it('runs a command with validated values', async () => {
    expect(await runCommand(echo, context(), { words: 'hi' })).toEqual(text('hi'));
  });

  it('answers invalid input without running the command', async () => {
    const reply = await runCommand(echo, context(), { words: 'too long' });
    expect(reply).toMatchObject({ kind: 'error', code: 'input.too_long' });
  });

  it('keeps staff commands for staff', async () => {
    const staffOnly = defineCommand({ ...echo, staffOnly: true });
    expect(await runCommand(staffOnly, context(), { words: 'hi' })).toMatchObject({ code: 'auth.staff_only' });
    const staff = context({ invoker: { user: userId('web', 'bo'), displayName: 'Bo', isStaff: true } });
    expect(await runCommand(staffOnly, staff, { words: 'hi' })).toEqual(text('hi'));
  });

  it('refuses commands on surfaces that do not carry them', async () => {
    const voiceOnly = defineCommand({ ...echo, surfaces: ['discord'] });
    expect(await runCommand(voiceOnly, context(), { words: 'hi' })).toMatchObject({
      code: 'input.not_on_this_platform',
    });
  });

  it('turns a crash into a reply with the correlation id, and logs it', async () => {
    const log = recordingLogger();
    const broken = defineCommand({
      ...echo,
      run: async () => {
        throw new Error('boom');
      },
    });
    const reply = await runCommand(broken, context({ log }), { words: 'hi' });
    expect(reply).toMatchObject({ kind: 'error', code: 'internal', correlationId: 'corr-1' });
    expect(log.errors[0]).toMatchObject({ correlationId: 'corr-1', command: 'echo', platform: 'web' });
  });
});

describe('handleMessage', () => {
  it('lets the first handler that answers win', async () => {
    const reply = await handleMessage(
      [
        { name: 'none', handle: async () => undefined },
        { name: 'first', handle: async (_c, t) => text(`1:${t}`) },
        { name: 'second', handle: async () => text('2') },
      ],
      context(),
      'hey',
    );
    expect(reply).toEqual(text('1:hey'));
  });
});
