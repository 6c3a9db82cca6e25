import type { KnowledgeDeps } from '../src/app/knowledge/deps.ts';
import { CLEAR_MATCH } from '../src/app/knowledge/find-knowledge.ts';
import type { CommandContext } from '../src/chat/context.ts';

/** Words that make a message in a channel (a mention, the playground) a question for the order assistant. */
const ABOUT_ORDERS =
  /\b(orders?|ordered|deliver(?:y|ed|ies)?|track(?:ing)?|parcel|package|courier|shipping|arriv(?:e|es|al|ing)|eta|address|refund(?:ed)?|pedidos?|entrega|endere[cç]o)\b|\bord_[a-z0-9]{16}\b/i;

/** Words of questions about the shop itself: its menu, allergens, zones and fees, hours, policies (en, pt). */
const ABOUT_SHOP =
  /\bdeliver(?:y)? (?:to|in)\b|\b(menu|dish(?:es)?|allerg(?:en|ens|y|ies|ic)|gluten|vegan|vegetarian|lactose|dairy|nuts?|halal|spicy|ingredients?|price[sd]?|fees?|zones?|open(?:ing)?|close[sd]?|hours|cancel(?:lation)?|policy|card[aá]pio|al[eé]rg\w*|gl[uú]ten|vegan[oa]|pre[cç]os?|taxa|zonas?|hor[aá]rios?|aberto)\b/i;

/** Worded as a question: only these are worth a search of the documents ("hello" is not). */
const A_QUESTION =
  /\?\s*$|^\s*(is|are|do|does|did|can|could|will|would|should|what|when|where|which|who|how|why|qual|quais|quando|onde|como|tem|voc[eê]s)\b/i;

/** Words that make a question about the asker: their orders, address or payment stay between them and the bot. */
const ABOUT_ME = /\b(my|mine|me|i|i'm|i've|i'd|meu|minha|meus|minhas)\b|\bord_[a-z0-9]{16}\b/i;

/**
 * Which assistant a message reaches. `orders`: the order assistant with every tool (the asker's orders; in a place
 * others read the answer goes to their DMs). `shop`: a question about the shop, not about the asker ("is the lasagne
 * gluten free?", "do you deliver to Riverside?"), answered where it was asked from the documents alone (no order
 * tools, no conversation memory, so nothing private can reach the channel). Undefined: not for the assistant.
 * The surfaces decide whether a message is addressed to the bot at all (a DM, a mention, its own thread).
 */
export async function assistantRoute(ctx: CommandContext, question: string): Promise<'orders' | 'shop' | undefined> {
  if (ctx.place.isDirect) return 'orders';
  const mine = ABOUT_ME.test(question);
  let covered: boolean | undefined;
  const inDocuments = async () => (covered ??= await clearlyInDocuments(ctx.deps.knowledge, question, ctx.signal));
  if (!mine && (ABOUT_SHOP.test(question) || (await inDocuments()))) return 'shop';
  if (ABOUT_ORDERS.test(question)) return 'orders';
  // "can I pay by card?": about the asker and in the documents: the full assistant, answering privately.
  if (mine && (ABOUT_SHOP.test(question) || (await inDocuments()))) return 'orders';
  return undefined;
}

/** The documents clearly cover the question (a passage matching most of its terms): "is the lasagne gluten free?". */
async function clearlyInDocuments(knowledge: KnowledgeDeps, question: string, signal: AbortSignal): Promise<boolean> {
  if (!A_QUESTION.test(question)) return false;
  const found = await knowledge.search.search({ text: question, limit: 1 }, signal);
  const best = found.ok ? found.value[0]?.coverage : undefined;
  return best !== undefined && best >= CLEAR_MATCH;
}
