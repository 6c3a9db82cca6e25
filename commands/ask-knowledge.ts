import { findKnowledge } from '../src/app/knowledge/find-knowledge.ts';
import { groundingPrompt, sourcesFooter } from '../src/app/knowledge/grounding-prompt.ts';
import type { CommandContext } from '../src/chat/context.ts';
import { type TextReply, text } from '../src/chat/reply.ts';
import { ok, type Result } from '../src/domain/result.ts';

/** `/ask kb:on`: the shop documents for the prompt, as system text for the model and a sources line for the footer. */
export async function groundQuestion(
  ctx: CommandContext,
  prompt: string,
): Promise<Result<{ readonly context: string; readonly footer: string }>> {
  ctx.reply.progress(text('_Searching the shop documents…_'));
  const found = await findKnowledge(ctx.deps.knowledge, { question: prompt }, ctx.signal);
  if (!found.ok) return found;
  return ok({ context: groundingPrompt(found.value), footer: sourcesFooter(found.value) });
}

/** The answer's footer followed by its sources. */
export const withSources = (reply: TextReply, sources: string): TextReply =>
  text(reply.text, {
    ...(reply.title ? { title: reply.title } : {}),
    footer: reply.footer ? `${reply.footer} · ${sources}` : sources,
  });
