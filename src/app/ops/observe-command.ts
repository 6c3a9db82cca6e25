import type { CommandContext } from '../../chat/context.ts';
import { errorReply, type Reply } from '../../chat/reply.ts';
import type { CommandOutcome } from '../../ports/metrics.ts';
import { paidBy } from '../budgets/pay.ts';

export const SHUTTING_DOWN = {
  code: 'ops.shutting_down',
  message: 'The bot is restarting and takes no new requests right now.',
  hint: 'Try again in a minute.',
} as const;

const CUT_BY_SHUTDOWN = '_The bot is restarting: this was cut short. Ask again in a minute._';

/**
 * Runs one command or message the way operators need: refused while shutting down, counted as in flight (shutdown
 * waits for it, then aborts it with a note), paid from the invoker's budgets, and recorded by name and outcome.
 */
export async function observed<R extends Reply | undefined>(
  ctx: CommandContext,
  name: string,
  run: (ctx: CommandContext) => Promise<R>,
): Promise<R | Reply> {
  const ops = ctx.deps.ops;
  if (!ops) return run(paidBy(ctx));
  const { metrics, lifecycle } = ops;
  if (!lifecycle.admit()) {
    metrics.command(name, 'refused', ctx.place.platform);
    return errorReply(SHUTTING_DOWN);
  }
  const reply = await lifecycle.track(ctx.signal, (signal) => run(paidBy({ ...ctx, signal })));
  if (reply === undefined) return reply;
  metrics.command(name, outcomeOf(reply), ctx.place.platform);
  return lifecycle.shutdownSignal.aborted ? withShutdownNote(reply) : reply;
}

function outcomeOf(reply: Reply): CommandOutcome {
  if (reply.kind !== 'error') return 'ok';
  if (reply.code === 'internal') return 'error';
  return /^(input|auth|budget|ops)\./.test(reply.code) ? 'refused' : 'failed';
}

/** What the user sees of work the shutdown cut: what was done, and why it stopped. */
function withShutdownNote(reply: Reply): Reply {
  switch (reply.kind) {
    case 'text':
      return { ...reply, text: `${reply.text}\n\n${CUT_BY_SHUTDOWN}` };
    case 'error':
      return reply.code === 'internal' ? reply : errorReply(SHUTTING_DOWN);
    case 'composite':
      return { ...reply, parts: [...reply.parts, { kind: 'text', text: CUT_BY_SHUTDOWN }] };
    case 'table':
      return { ...reply, footer: [reply.footer, CUT_BY_SHUTDOWN].filter(Boolean).join(' · ') };
  }
}
