import { awsRefusal } from '../src/app/aws-access.ts';
import { answerOrderQuestion } from '../src/app/orders/assistant/answer-order-question.ts';
import { orderTools } from '../src/app/orders/assistant/order-tools.ts';
import { customerIn } from '../src/app/orders/scope.ts';
import type { MessageHandler } from '../src/chat/command.ts';
import { type CommandContext, seenOnlyByInvoker } from '../src/chat/context.ts';
import { errorReply, type Reply, text } from '../src/chat/reply.ts';
import type { ModelId } from '../src/domain/ids.ts';
import type { ModelCatalog } from '../src/domain/models/catalog.ts';
import type { Conversation, ConversationTurn } from '../src/domain/models/conversation.ts';
import { shopKnowledge } from './order-assistant-knowledge.ts';
import { assistantRoute } from './order-assistant-route.ts';

/** An assistant conversation older than this starts over (a new question, not a reply to the last answer). */
const FORGET_AFTER_MS = 30 * 60_000;
const KEPT_TURNS = 12;

/**
 * Questions about the user's orders, in a direct message or a message that talks about orders (a mention):
 * "where is my order?", "when will it arrive?", "can I change the address?". A model answers with the order tools,
 * which act for the sender only. Questions about the shop in a channel ("is the lasagne gluten free?") are answered
 * there from the documents (order-assistant-route.ts). Other messages are left to the next handler.
 */
export const orderAssistant: MessageHandler = {
  name: 'order-assistant',
  async handle(ctx, message) {
    const question = message.trim();
    if (question === '') return undefined;
    const route = await assistantRoute(ctx, question);
    if (route === undefined) return undefined;
    const refused = awsRefusal(ctx.deps);
    if (refused) return errorReply(refused);
    if (route === 'shop') return answerAboutTheShop(ctx, question);
    const { ask, orders } = ctx.deps;
    const key = conversationKey(ctx);
    const history = recentTurns(await ask.conversations.get(key), ctx.deps.now());
    ctx.reply.progress(text('_Looking at your orders…_'));
    const sources = shopKnowledge(ctx.deps.knowledge);
    const result = await answerOrderQuestion(
      {
        textModel: ask.textModel,
        models: modelChain(ask.catalog),
        tools: [...orderTools(orders), sources.tool],
        instructions: sources.instructions,
        now: ctx.deps.now,
      },
      {
        question,
        // The caller's own orders of this server, even for staff: staff act on others' orders by staff commands.
        caller: customerIn(ctx.invoker, ctx.place),
        displayName: ctx.invoker.displayName,
        history,
        signal: ctx.signal,
      },
    );
    if (!result.ok) return errorReply(result.error);
    const answer = result.value;
    const turns: ConversationTurn[] = [
      ...history,
      { role: 'user', text: question },
      { role: 'assistant', text: answer.text },
    ];
    await ask.conversations.put({
      key,
      modelId: answer.model,
      turns: turns.slice(-KEPT_TURNS),
      updatedAt: ctx.deps.now().toISOString(),
    } satisfies Conversation);
    const modelName = ask.catalog.get(answer.model)?.name ?? answer.model;
    const reply = text(answer.text, {
      footer: [`Order assistant · ${modelName}`, sources.footer()].filter(Boolean).join(' · '),
    });
    return seenOnlyByInvoker(ctx.place) ? reply : answerPrivately(ctx, reply);
  },
};

/**
 * A question about the shop asked where others read ("is the lasagne gluten free?"): answered there, from the
 * documents only. No order tool and no conversation memory, so nothing about anyone's orders can reach the channel.
 */
async function answerAboutTheShop(ctx: CommandContext, question: string): Promise<Reply> {
  const { ask } = ctx.deps;
  ctx.reply.progress(text('_Looking it up…_'));
  const sources = shopKnowledge(ctx.deps.knowledge);
  const result = await answerOrderQuestion(
    {
      textModel: ask.textModel,
      models: modelChain(ask.catalog),
      tools: [sources.tool],
      instructions: sources.instructions,
      now: ctx.deps.now,
    },
    {
      question,
      caller: { user: ctx.invoker.user, isStaff: ctx.invoker.isStaff },
      displayName: ctx.invoker.displayName,
      signal: ctx.signal,
    },
  );
  if (!result.ok) return errorReply(result.error);
  const modelName = ask.catalog.get(result.value.model)?.name ?? result.value.model;
  return text(result.value.text, {
    footer: [`Shop assistant · ${modelName}`, sources.footer()].filter(Boolean).join(' · '),
  });
}

/**
 * In a channel or thread others read, an answer about someone's orders (addresses, payment, order details) goes to
 * their direct messages; the channel gets one short line saying so.
 */
async function answerPrivately(ctx: CommandContext, reply: Reply): Promise<Reply> {
  const outcome = await ctx.deps.notifier.notify(ctx.invoker.user, reply);
  if (outcome === 'sent') return text('I sent you the answer in a direct message: your orders stay between us.');
  return errorReply({
    code: 'assistant.dm_refused',
    message: 'I answer questions about your orders in a direct message, and I could not send you one.',
    hint: 'Send me a direct message (or allow direct messages from this server), then ask again.',
  });
}

// Per user and channel: two people asking in one channel never share a conversation (nor its order facts).
const conversationKey = (ctx: CommandContext): string =>
  `order-assistant:${ctx.place.platform}:${ctx.place.spaceId}:${ctx.place.channelId}:${ctx.invoker.user}`;

function recentTurns(conversation: Conversation | undefined, now: Date): readonly ConversationTurn[] {
  if (!conversation) return [];
  const age = now.getTime() - Date.parse(conversation.updatedAt);
  return age >= 0 && age < FORGET_AFTER_MS ? conversation.turns : [];
}

function modelChain(catalog: ModelCatalog): ModelId[] {
  const ids = [catalog.defaultModel.id, ...catalog.fallbackChain.map((m) => m.id)];
  return [...new Set(ids)];
}
