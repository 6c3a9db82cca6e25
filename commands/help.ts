import type { Command } from '../src/chat/command.ts';
import { defineCommand } from '../src/chat/command.ts';
import { text } from '../src/chat/reply.ts';
import { usage } from '../src/chat/text-args.ts';

/** Lists the commands of the surface it runs on, with their usage line. */
export const helpCommand = (all: () => readonly Command[]) =>
  defineCommand({
    name: 'help',
    description: 'What this bot can do',
    options: {},
    visibility: 'ephemeral',
    async run(ctx) {
      const lines = all()
        .filter((c) => !c.surfaces || c.surfaces.includes(ctx.place.platform))
        .filter((c) => !c.staffOnly || ctx.invoker.isStaff)
        .map((c) => `• **/${c.name}**: ${c.description}\n  \`${usage(c)}\``);
      return text(lines.join('\n'), { title: 'Sonicord commands' });
    },
  });
