import { randomUUID } from 'node:crypto';
import { isNoCredentials, NO_AWS_CREDENTIALS } from '../app/aws-access.ts';
import { observed } from '../app/ops/observe-command.ts';
import { keepResult, worthKeeping } from '../app/results/keep-result.ts';
import { parseActionKey } from './actions.ts';
import type { ActionAnswer, Command, MessageHandler } from './command.ts';
import type { CommandContext } from './context.ts';
import type { RawOptions } from './options.ts';
import { type ErrorReply, errorReply, type Reply } from './reply.ts';
import { validateOptions } from './validate-options.ts';

export const newCorrelationId = (): string => randomUUID().slice(0, 8);

/**
 * The one boundary between surfaces and commands: checks access and input, runs the command, and turns
 * anything thrown into a reply with a correlation id (logged with the command and platform).
 */
export async function runCommand(command: Command, ctx: CommandContext, raw: RawOptions): Promise<Reply> {
  return observed(ctx, command.name, (paid) => runChecked(command, paid, raw));
}

async function runChecked(command: Command, ctx: CommandContext, raw: RawOptions): Promise<Reply> {
  const refused = refusal(command, ctx, raw);
  if (refused) return refused;
  const values = validateOptions(command.options, raw);
  if (!values.ok) return errorReply(values.error);
  const reply = credentialsAnswer(ctx, await guard(ctx, command.name, () => command.run(ctx, values.value)));
  return command.keepsResult ? keepIfWorthIt(ctx, command.name, reply) : reply;
}

/**
 * Why a command would not start (wrong platform, not staff, bad options), or undefined. Cheap and synchronous, so a
 * surface can check before it acknowledges publicly and show the refusal to the invoker alone.
 */
export function refusal(
  command: Command,
  ctx: Pick<CommandContext, 'place' | 'invoker'>,
  raw: RawOptions,
): ErrorReply | undefined {
  if (command.surfaces && !command.surfaces.includes(ctx.place.platform)) {
    return errorReply({
      code: 'input.not_on_this_platform',
      message: `/${command.name} is not available on ${ctx.place.platform}.`,
      hint: `Use it on ${command.surfaces.join(' or ')}.`,
    });
  }
  if (command.staffOnly && !ctx.invoker.isStaff) {
    return errorReply({ code: 'auth.staff_only', message: `/${command.name} is for staff only.` });
  }
  const values = validateOptions(command.options, raw);
  return values.ok ? undefined : errorReply(values.error);
}

/**
 * A click on an action button (`do:<command>.<name>:<arg>`), run as the user who clicked, through the same checks and
 * error boundary as a command. A button that no longer leads anywhere answers the clicker alone.
 */
export async function runAction(commands: readonly Command[], ctx: CommandContext, key: string): Promise<ActionAnswer> {
  const parsed = parseActionKey(key);
  const command = parsed && commands.find((c) => c.name === parsed.command);
  const action = parsed && command?.actions?.[parsed.name];
  if (!parsed || !command || !action) {
    const reply = errorReply({ code: 'input.unknown_action', message: 'This button no longer works.' });
    return { to: 'clicker', reply: { ...reply, hint: 'Run the command again.' } };
  }
  if (command.staffOnly && !ctx.invoker.isStaff) {
    return {
      to: 'clicker',
      reply: errorReply({ code: 'auth.staff_only', message: `/${command.name} is for staff only.` }),
    };
  }
  let to: ActionAnswer['to'] = 'clicker';
  const reply = await observed(ctx, `${command.name}.${parsed.name}`, (paid) =>
    guard(paid, `${command.name}.${parsed.name}`, async () => {
      const answer = await action(paid, parsed.arg);
      to = answer.to;
      return answer.reply;
    }),
  );
  // Anything unexpected is the clicker's to see: the question and its buttons stay.
  return { to: reply.kind === 'error' && reply.code === 'internal' ? 'clicker' : to, reply };
}

/** Keeps a finished result to be fetched again; if keeping fails, the result is still delivered as it is. */
async function keepIfWorthIt(ctx: CommandContext, command: string, reply: Reply): Promise<Reply> {
  if ((reply.kind !== 'text' && reply.kind !== 'composite') || !worthKeeping(reply)) return reply;
  const results = ctx.deps.results;
  if (!results) return reply;
  try {
    const deps = { results: results.store, keepForMs: results.keepForMs, now: ctx.deps.now };
    return await keepResult(deps, { owner: ctx.invoker.user, command, reply });
  } catch (error) {
    ctx.log.warn({ err: error, command }, 'could not keep the result; delivering it anyway');
    return reply;
  }
}

/** Routes free text (thread follow-ups, DMs, mentions) to the first handler that takes it. */
export async function handleMessage(
  handlers: readonly MessageHandler[],
  ctx: CommandContext,
  text: string,
): Promise<Reply | undefined> {
  return observed(ctx, 'message', (paid) => handleChecked(handlers, paid, text));
}

async function handleChecked(
  handlers: readonly MessageHandler[],
  ctx: CommandContext,
  text: string,
): Promise<Reply | undefined> {
  const reply = await guard(ctx, 'message', async () => {
    for (const handler of handlers) {
      const reply = await handler.handle(ctx, text);
      if (reply) return reply;
    }
    return undefined;
  });
  return reply && credentialsAnswer(ctx, reply);
}

/**
 * Whatever failed for lack of AWS credentials (a model, Sonic, Transcribe, Polly) answers the one message every
 * AWS feature gives, and the bot remembers, so the next request is refused at once.
 */
function credentialsAnswer(ctx: CommandContext, reply: Reply): Reply {
  if (reply.kind !== 'error' || !isNoCredentials(reply.code)) return reply;
  ctx.deps.aws?.noted(reply.code);
  return errorReply(NO_AWS_CREDENTIALS);
}

async function guard<T>(ctx: CommandContext, what: string, run: () => Promise<T>): Promise<T | Reply> {
  try {
    return await run();
  } catch (error) {
    ctx.log.error(
      { err: error, correlationId: ctx.correlationId, command: what, platform: ctx.place.platform },
      'command failed unexpectedly',
    );
    return {
      kind: 'error',
      code: 'internal',
      message: 'Something went wrong on our side.',
      hint: 'Try again in a moment; if it keeps happening, quote the reference below to the bot admins.',
      correlationId: ctx.correlationId,
    };
  }
}
