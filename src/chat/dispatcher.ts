import { randomUUID } from 'node:crypto';
import { isNoCredentials, NO_AWS_CREDENTIALS } from '../app/aws-access.ts';
import type { Command, MessageHandler } from './command.ts';
import type { CommandContext } from './context.ts';
import type { RawOptions } from './options.ts';
import { errorReply, type Reply } from './reply.ts';
import { validateOptions } from './validate-options.ts';

export const newCorrelationId = (): string => randomUUID().slice(0, 8);

/**
 * The one boundary between surfaces and commands: checks access and input, runs the command, and turns
 * anything thrown into a reply with a correlation id (logged with the command and platform).
 */
export async function runCommand(command: Command, ctx: CommandContext, raw: RawOptions): Promise<Reply> {
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
  if (!values.ok) return errorReply(values.error);
  return credentialsAnswer(ctx, await guard(ctx, command.name, () => command.run(ctx, values.value)));
}

/** Routes free text (thread follow-ups, DMs, mentions) to the first handler that takes it. */
export async function handleMessage(
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
