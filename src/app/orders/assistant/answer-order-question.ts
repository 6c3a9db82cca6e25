import type { ModelId } from '../../../domain/ids.ts';
import type { ConversationTurn } from '../../../domain/models/conversation.ts';
import { appError, err, ok, type Result } from '../../../domain/result.ts';
import type { ChatMessage, ContentPart, TextModel, TokenUsage } from '../../../ports/text-model.ts';
import type { Tool, ToolCaller } from '../../tools.ts';

export interface AssistantDeps {
  readonly textModel: TextModel;
  /** Tried in order when a call fails before answering anything (the /ask fallback chain). */
  readonly models: readonly ModelId[];
  readonly tools: readonly Tool[];
  readonly now: () => Date;
  /** Added to the system prompt by the areas whose tools are given (the knowledge base's rules). */
  readonly instructions?: string;
  /** Model calls per question (each tool round is one); default 4. */
  readonly maxRounds?: number;
}

export interface OrderQuestion {
  readonly question: string;
  /** Decided by our code from the platform identity; the only identity the tools act for. */
  readonly caller: ToolCaller;
  readonly displayName?: string;
  /** Earlier turns of this conversation, oldest first (plain text). */
  readonly history?: readonly ConversationTurn[];
  readonly signal?: AbortSignal;
}

export interface AssistantAnswer {
  readonly text: string;
  readonly model: ModelId;
  readonly toolCalls: readonly { readonly name: string; readonly ok: boolean }[];
  readonly usage: TokenUsage;
}

type ToolUse = Extract<ContentPart, { type: 'toolUse' }>;

/**
 * Answers a customer's question about their orders with a model that may call the order tools: stream, collect
 * text and tool uses, run the tools for `caller`, send the results back, until the model answers or the round
 * limit is reached.
 */
export async function answerOrderQuestion(deps: AssistantDeps, input: OrderQuestion): Promise<Result<AssistantAnswer>> {
  const messages: ChatMessage[] = [
    ...(input.history ?? []).map((t): ChatMessage => ({ role: t.role, content: [{ type: 'text', text: t.text }] })),
    { role: 'user', content: [{ type: 'text', text: input.question }] },
  ];
  const system = [systemPrompt(deps.now(), input.displayName), deps.instructions].filter(Boolean).join('\n');
  const toolCalls: { name: string; ok: boolean }[] = [];
  const usage = { inputTokens: 0, outputTokens: 0 };
  const rounds = deps.maxRounds ?? 4;
  for (let round = 1; round <= rounds; round++) {
    const step = await streamRound(deps, { system, messages, signal: input.signal });
    if (!step.ok) return step;
    const { text, toolUses, model } = step.value;
    usage.inputTokens += step.value.usage.inputTokens;
    usage.outputTokens += step.value.usage.outputTokens;
    if (toolUses.length === 0) {
      if (text.trim() === '')
        return err(appError('assistant.empty', 'The assistant had nothing to say.', 'Ask again in other words.'));
      return ok({ text: text.trim(), model, toolCalls, usage });
    }
    messages.push({ role: 'assistant', content: text ? [{ type: 'text', text }, ...toolUses] : toolUses });
    const results: ContentPart[] = [];
    for (const use of toolUses) {
      const tool = deps.tools.find((t) => t.name === use.name);
      const outcome = tool
        ? await tool.run(use.input, input.caller, input.signal)
        : { ok: false as const, error: `Unknown tool ${use.name}.` };
      toolCalls.push({ name: use.name, ok: outcome.ok });
      results.push({
        type: 'toolResult',
        toolUseId: use.toolUseId,
        result: outcome.ok ? outcome.result : { error: outcome.error },
        isError: !outcome.ok,
      });
    }
    messages.push({ role: 'user', content: results });
  }
  return err(
    appError(
      'assistant.too_many_steps',
      'The assistant needed too many steps for this question.',
      'Ask one thing at a time, or use /track.',
    ),
  );
}

interface Round {
  readonly text: string;
  readonly toolUses: readonly ToolUse[];
  readonly usage: TokenUsage;
  readonly model: ModelId;
}

/** One model call; on a failure before any output, the next model of the chain gets the same request. */
async function streamRound(
  deps: AssistantDeps,
  request: { system: string; messages: readonly ChatMessage[]; signal: AbortSignal | undefined },
): Promise<Result<Round>> {
  let failure = appError('assistant.no_model', 'No text model is configured for the order assistant.');
  const tools = deps.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
  for (const model of deps.models) {
    const outcome = await deps.textModel.generate(
      { model, system: request.system, messages: request.messages, tools, maxTokens: 800, temperature: 0.2 },
      { signal: request.signal },
    );
    if (outcome.ok) {
      const toolUses = outcome.toolUses.map((use): ToolUse => ({ type: 'toolUse', ...use }));
      return ok({ text: outcome.text, toolUses, usage: outcome.usage, model });
    }
    failure = appError(outcome.code, outcome.message, 'Try again in a moment; /track shows your order meanwhile.');
    // Output already produced, or the user cancelled: another model would start over, so stop here.
    if (outcome.partialText !== '' || outcome.code === 'model.aborted' || request.signal?.aborted) break;
  }
  return err(failure);
}

function systemPrompt(now: Date, displayName: string | undefined): string {
  return [
    'You are the delivery assistant of Sonicord. You help one customer with their own orders: where an order is,',
    'when it will arrive, what it cost, and changing the delivery address before the order is out for delivery.',
    'Always use the tools for order facts; never invent an order, a status, a time or a price. The tools already',
    'act for this customer only: you cannot see or change anyone else’s orders, so do not try.',
    'Before change_address, make sure the customer gave the complete new address; if the tool refuses, explain why.',
    'For anything unrelated to orders or delivery, say briefly that you only help with orders and that /ask answers',
    'general questions. Answer in the customer’s language, in two to four short sentences, without markdown tables.',
    `Now: ${now.toISOString()} (times from the tools are UTC).${displayName ? ` The customer is called ${displayName}.` : ''}`,
  ].join(' ');
}
