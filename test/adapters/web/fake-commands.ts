import { RoutingNotifier } from '../../../src/app/route-notifications.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';
import type { Core } from '../../../src/chat/surface.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { aDeps } from '../../support/command-context.ts';

/** Commands shaped like the real ones (streamed answer, table, choices, attachment), defined inline for tests. */
export function fakeCommands() {
  const aborted: string[] = [];
  let release: (() => void) | undefined;
  const commands = [
    defineCommand({
      name: 'echo',
      description: 'Says the text back',
      options: { text: { type: 'string', description: 'What to say', maxLength: 50 } },
      visibility: 'public',
      async run(ctx, { text: said }) {
        return text(`${ctx.invoker.displayName} said **${said}**`, { title: 'Echo' });
      },
    }),
    defineCommand({
      name: 'stream',
      description: 'Streams three steps, then a table',
      options: { rows: { type: 'integer', description: 'Table rows', required: false, min: 1, max: 10 } },
      visibility: 'public',
      async run(ctx, { rows = 2 }) {
        for (const step of ['one', 'one two', 'one two three']) {
          ctx.reply.progress(text(step), { cancellable: true });
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        return {
          kind: 'table',
          title: 'Scores',
          columns: ['model', 'accuracy'],
          rows: Array.from({ length: rows }, (_, i) => [`model-${i + 1}`, `${90 - i}%`]),
          footer: `${rows} rows`,
        };
      },
    }),
    defineCommand({
      name: 'wait',
      description: 'Runs until cancelled',
      options: { label: { type: 'string', description: 'A name for this run' } },
      visibility: 'public',
      async run(ctx, { label }) {
        await new Promise<void>((resolve) => {
          release = resolve;
          ctx.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        if (ctx.signal.aborted) aborted.push(label);
        return text(ctx.signal.aborted ? `${label} cancelled` : `${label} done`);
      },
    }),
    defineCommand({
      name: 'pick',
      description: 'Options with choices and autocomplete',
      options: {
        fruit: {
          type: 'string',
          description: 'A fruit',
          choices: [
            { name: 'Apple', value: 'apple' },
            { name: 'Banana', value: 'banana' },
            { name: 'Cherry', value: 'cherry' },
          ],
        },
        city: {
          type: 'string',
          description: 'A city',
          required: false,
          autocomplete: (query, who) =>
            ['Paris', 'Porto', 'Prague', 'Oslo']
              .filter((c) => c.toLowerCase().startsWith(query.toLowerCase()))
              .map((c) => ({ name: `${c} (for ${who.displayName})`, value: c.toLowerCase() })),
        },
      },
      visibility: 'public',
      async run(_ctx, { fruit, city }) {
        return text(`${fruit} in ${city ?? 'nowhere'}`);
      },
    }),
    defineCommand({
      name: 'count',
      description: 'Counts the bytes and lines of a CSV',
      options: { file: { type: 'attachment', description: 'A CSV', extensions: ['csv'] } },
      visibility: 'public',
      async run(ctx, { file }) {
        let bytes = 0;
        let lines = 0;
        for await (const chunk of file.open(ctx.signal)) {
          bytes += chunk.length;
          for (const b of chunk) if (b === 10) lines++;
        }
        return {
          kind: 'composite',
          parts: [text(`${file.name}: ${bytes} bytes, ${lines} lines`)],
          files: [{ name: 'copy.txt', contentType: 'text/plain', data: new TextEncoder().encode('copied') }],
        };
      },
    }),
    defineCommand({
      name: 'restock',
      description: 'Staff only',
      options: {},
      visibility: 'ephemeral',
      staffOnly: true,
      async run() {
        return text('restocked');
      },
    }),
    defineCommand({
      name: 'boom',
      description: 'Throws',
      options: {},
      visibility: 'public',
      async run() {
        throw new Error('kaboom');
      },
    }),
  ];
  return { commands, aborted, release: () => release?.() };
}

/** A Core over the fake commands, with a real RoutingNotifier the playground's messenger can attach to. */
export function fakeCore(): { core: Core; notifier: RoutingNotifier; aborted: string[]; release: () => void } {
  const { commands, aborted, release } = fakeCommands();
  const notifier = new RoutingNotifier(silentLogger);
  const core: Core = {
    commands,
    messageHandlers: [
      {
        name: 'thread-echo',
        async handle(ctx, said) {
          return ctx.place.threadKey ? text(`in ${ctx.place.threadKey}: ${said}`) : undefined;
        },
      },
    ],
    deps: aDeps({ notifier }),
    log: silentLogger,
  };
  return { core, notifier, aborted, release };
}
