import { whereToGet } from '../../src/app/results/keep-result.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { clip } from './command-builders.ts';
import { LIMITS, type RenderOptions, renderReply } from './render-reply.ts';
import type { DiscordPayload } from './shapes.ts';

/**
 * A finished reply in the forms to try, each smaller than the last: as rendered; its text without the files (with
 * a line saying so); one short notice. Each form after the first says where the whole result can be fetched.
 */
export function deliveryForms(reply: Reply, options: RenderOptions): DiscordPayload[][] {
  const forms = [renderReply(reply, options)];
  const files = reply.kind === 'composite' ? (reply.files ?? []) : [];
  if (files.length > 0 && reply.kind === 'composite') {
    const textOnly = renderReply({ ...reply, files: [] }, options);
    const note = `The files (${files.map((f) => f.name).join(', ')}) could not be sent here. ${whereToGet(reply)}`;
    const last = textOnly.at(-1) ?? {};
    textOnly[textOnly.length - 1] = {
      ...last,
      content: clip([last.content, note].filter(Boolean).join('\n'), LIMITS.content),
    };
    forms.push(textOnly);
  }
  forms.push([refusedNotice(reply)]);
  return forms;
}

/** The last resort: a short line that nobody refuses, saying where the result is. */
export function refusedNotice(reply: Reply): DiscordPayload {
  return {
    content: clip(`⚠️ Discord refused to show the result here. ${whereToGet(reply)}`, LIMITS.content),
    embeds: [],
  };
}
