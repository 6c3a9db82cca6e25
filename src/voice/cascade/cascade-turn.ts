import type { Tool, ToolCaller } from '../../app/tools.ts';
import type { ModelId } from '../../domain/ids.ts';
import type { VoiceUsageDelta } from '../../domain/voice/usage.ts';
import type { ChatMessage, ContentPart, TextModel } from '../../ports/text-model.ts';
import type { SynthesisOptions, TextToSpeech } from '../../ports/text-to-speech.ts';
import type { VoiceEvent } from '../../ports/voice-model.ts';
import { SentenceChunker } from './sentence-chunker.ts';

export interface TurnDeps {
  readonly textModel: TextModel;
  readonly tts: TextToSpeech;
  /** The chosen model first, then its fallbacks. */
  readonly models: readonly ModelId[];
  readonly synthesis: SynthesisOptions;
  readonly systemPrompt?: string;
  readonly maxTokens: number;
  readonly maxToolRounds: number;
  readonly tools: readonly Tool[];
  readonly caller: () => ToolCaller;
  readonly emit: (event: VoiceEvent) => void;
  /** What the turn used (model tokens, characters sent to speech), reported even when the turn is cut short. */
  readonly meter: (usage: VoiceUsageDelta) => void;
}

export interface TurnOutcome {
  /** What the bot said (possibly cut short by barge-in or a failure). */
  readonly answer: string;
  readonly failure?: { readonly code: string; readonly message: string };
}

/**
 * One answer of the cascade: the text model streams (with tools and fallback), sentences go to speech as soon
 * as they are complete, and audio is emitted in order. Aborting (barge-in) stops the model and synthesis.
 */
export async function runCascadeTurn(deps: TurnDeps, history: readonly ChatMessage[], signal: AbortSignal) {
  const messages = [...history];
  const spoken: string[] = [];
  let speech: Promise<void> = Promise.resolve();
  let speechFailure: { code: string; message: string } | undefined;
  const say = (sentence: string) => {
    spoken.push(sentence);
    speech = speech.then(async () => {
      if (signal.aborted || speechFailure) return;
      deps.meter({ meter: 'polly', engine: deps.synthesis.engine, characters: sentence.length });
      try {
        for await (const frame of deps.tts.synthesize(sentence, deps.synthesis, signal)) {
          if (signal.aborted) return;
          deps.emit({ type: 'audio', frame });
        }
      } catch (error) {
        if (!signal.aborted) speechFailure = { code: codeOf(error, 'voice.tts_failed'), message: messageOf(error) };
      }
    });
  };

  for (let round = 0; round <= deps.maxToolRounds; round++) {
    const step = await streamWithFallback(deps, messages, signal, say);
    if (step.failure || signal.aborted) {
      await speech;
      return outcome(spoken, step.failure ?? speechFailure);
    }
    if (step.toolUses.length === 0) break;
    messages.push({ role: 'assistant', content: step.content });
    messages.push({ role: 'user', content: await runTools(deps, step.toolUses, signal) });
  }
  await speech;
  return outcome(spoken, speechFailure);
}

type ToolUsePart = Extract<ContentPart, { type: 'toolUse' }>;

async function streamWithFallback(
  deps: TurnDeps,
  messages: readonly ChatMessage[],
  signal: AbortSignal,
  say: (sentence: string) => void,
): Promise<{ content: ContentPart[]; toolUses: ToolUsePart[]; failure?: { code: string; message: string } }> {
  let lastFailure = { code: 'voice.no_model', message: 'No text model is configured for voice.' };
  for (const model of deps.models) {
    const chunker = new SentenceChunker();
    const request = {
      model,
      messages,
      maxTokens: deps.maxTokens,
      ...(deps.systemPrompt ? { system: deps.systemPrompt } : {}),
      ...(deps.tools.length > 0 ? { tools: deps.tools } : {}),
    };
    const answer = await deps.textModel.generate(request, {
      signal,
      onText: (delta) => {
        for (const sentence of chunker.push(delta)) say(sentence);
      },
    });
    const rest = chunker.flush();
    if (rest) say(rest);
    if (answer.ok) {
      const { inputTokens, outputTokens } = answer.usage;
      deps.meter({ meter: 'textModel', model, inputTokens, outputTokens });
      const toolUses = answer.toolUses.map((use): ToolUsePart => ({ type: 'toolUse', ...use }));
      const content: ContentPart[] = answer.text ? [{ type: 'text', text: answer.text }, ...toolUses] : toolUses;
      return { content, toolUses };
    }
    const failed = { code: answer.code, message: answer.message };
    // Once words were spoken, switching model would repeat or contradict them: end the turn instead.
    if (answer.partialText || signal.aborted) return { content: [], toolUses: [], failure: failed };
    lastFailure = failed;
  }
  return { content: [], toolUses: [], failure: lastFailure };
}

async function runTools(deps: TurnDeps, uses: readonly ToolUsePart[], signal: AbortSignal): Promise<ContentPart[]> {
  const results: ContentPart[] = [];
  for (const use of uses) {
    const tool = deps.tools.find((t) => t.name === use.name);
    deps.emit({ type: 'tool', name: use.name, status: 'started' });
    const outcome = tool
      ? await tool
          .run(use.input, deps.caller(), signal)
          .catch((e: unknown) => ({ ok: false as const, error: messageOf(e) }))
      : { ok: false as const, error: `Unknown tool ${use.name}` };
    deps.emit({ type: 'tool', name: use.name, status: outcome.ok ? 'done' : 'failed' });
    results.push({
      type: 'toolResult',
      toolUseId: use.toolUseId,
      result: outcome.ok ? outcome.result : { error: outcome.error },
      isError: !outcome.ok,
    });
  }
  return results;
}

const outcome = (spoken: readonly string[], failure?: { code: string; message: string }): TurnOutcome =>
  failure ? { answer: spoken.join(' '), failure } : { answer: spoken.join(' ') };

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const codeOf = (error: unknown, fallback: string): string =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : fallback;
