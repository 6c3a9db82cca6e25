import { keptLine } from '../src/app/results/keep-result.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, type Reply, text } from '../src/chat/reply.ts';

/**
 * /result: shows a kept result again (a finished /bench run, a long /ask answer), or lists yours. Only the person
 * who ran the command can fetch it.
 */
export const resultCommand = defineCommand({
  name: 'result',
  description: 'Show a kept result again (a /bench run, a long /ask answer), or list yours',
  visibility: 'ephemeral',
  options: {
    id: {
      type: 'string',
      description: 'The id after "/result id:" under the result (r-…); leave empty to list yours',
      required: false,
      maxLength: 40,
    },
  },
  async run(ctx, { id }) {
    const results = ctx.deps.results;
    if (!results) {
      return errorReply({
        code: 'result.not_kept',
        message: 'This bot does not keep results.',
        hint: 'An admin can set RESULTS_KEEP_HOURS to keep finished /bench and /ask results.',
      });
    }
    const now = ctx.deps.now();
    const hours = Math.round(results.keepForMs / 3_600_000);
    if (id === undefined || id.trim() === '') {
      const mine = await results.store.list(ctx.invoker.user, now);
      if (mine.length === 0) return text(`You have no kept results (they are kept for ${hours} h).`);
      const lines = mine
        .slice(0, 20)
        .map((r) => `• /${r.command} at ${r.keptAt.slice(0, 16).replace('T', ' ')} UTC · ${keptLine(r)}`);
      return text(lines.join('\n'), { title: 'Your kept results' });
    }
    const found = await results.store.get(id.trim(), now);
    if (!found || found.owner !== ctx.invoker.user) {
      return errorReply({
        code: 'result.not_found',
        message: `You have no kept result \`${id.trim()}\`.`,
        hint: `Results are kept for ${hours} h after they finish; \`/result\` lists yours.`,
      });
    }
    return withKept(found.reply, { id: found.id, until: found.until });
  },
});

function withKept(reply: Reply, kept: { id: string; until: string }): Reply {
  return reply.kind === 'text' || reply.kind === 'composite' ? { ...reply, kept } : reply;
}
