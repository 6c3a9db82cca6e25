import type { ModelId } from '../ids.ts';
import { assertNever } from '../result.ts';

export type PollyEngine = 'standard' | 'neural' | 'generative';

/**
 * What a voice engine reports it used, as it goes (the `usage` VoiceEvent). Each meter is billed in its own unit:
 * Nova Sonic by speech and text tokens, the cascade's text model by its tokens, Transcribe by audio seconds
 * streamed, Polly by characters synthesized.
 */
export type VoiceUsageDelta =
  | {
      readonly meter: 'sonic';
      readonly speechInputTokens: number;
      readonly speechOutputTokens: number;
      readonly textInputTokens: number;
      readonly textOutputTokens: number;
    }
  | {
      readonly meter: 'textModel';
      readonly model: ModelId;
      readonly inputTokens: number;
      readonly outputTokens: number;
    }
  | { readonly meter: 'transcribe'; readonly audioSeconds: number }
  | { readonly meter: 'polly'; readonly engine: PollyEngine; readonly characters: number };

export interface TokenCount {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Everything one voice conversation used, across its sessions. */
export interface VoiceUsage {
  readonly sonic: {
    readonly speechInputTokens: number;
    readonly speechOutputTokens: number;
    readonly textInputTokens: number;
    readonly textOutputTokens: number;
  };
  /** By catalog key: the cascade may fall back to another model mid-conversation. */
  readonly textModels: Readonly<Record<string, TokenCount>>;
  readonly transcribeSeconds: number;
  readonly pollyCharacters: Readonly<Partial<Record<PollyEngine, number>>>;
}

/** What /leave reports: how long the conversation ran, what it used and, when every meter has a price, its cost. */
export interface VoiceUsageSummary {
  readonly durationMs: number;
  readonly usage: VoiceUsage;
  readonly costUsd?: number;
}

export const emptyVoiceUsage: VoiceUsage = {
  sonic: { speechInputTokens: 0, speechOutputTokens: 0, textInputTokens: 0, textOutputTokens: 0 },
  textModels: {},
  transcribeSeconds: 0,
  pollyCharacters: {},
};

export function addVoiceUsage(usage: VoiceUsage, delta: VoiceUsageDelta): VoiceUsage {
  switch (delta.meter) {
    case 'sonic': {
      const s = usage.sonic;
      return {
        ...usage,
        sonic: {
          speechInputTokens: s.speechInputTokens + delta.speechInputTokens,
          speechOutputTokens: s.speechOutputTokens + delta.speechOutputTokens,
          textInputTokens: s.textInputTokens + delta.textInputTokens,
          textOutputTokens: s.textOutputTokens + delta.textOutputTokens,
        },
      };
    }
    case 'textModel': {
      const before = usage.textModels[delta.model] ?? { inputTokens: 0, outputTokens: 0 };
      const after = {
        inputTokens: before.inputTokens + delta.inputTokens,
        outputTokens: before.outputTokens + delta.outputTokens,
      };
      return { ...usage, textModels: { ...usage.textModels, [delta.model]: after } };
    }
    case 'transcribe':
      return { ...usage, transcribeSeconds: usage.transcribeSeconds + delta.audioSeconds };
    case 'polly': {
      const before = usage.pollyCharacters[delta.engine] ?? 0;
      return { ...usage, pollyCharacters: { ...usage.pollyCharacters, [delta.engine]: before + delta.characters } };
    }
    default:
      return assertNever(delta, 'voice usage meter');
  }
}

/** Nothing was metered (an engine that reports no usage, or a conversation nobody spoke in). */
export function isEmptyVoiceUsage(usage: VoiceUsage): boolean {
  const s = usage.sonic;
  return (
    s.speechInputTokens + s.speechOutputTokens + s.textInputTokens + s.textOutputTokens === 0 &&
    Object.values(usage.textModels).every((t) => t.inputTokens + t.outputTokens === 0) &&
    usage.transcribeSeconds === 0 &&
    Object.values(usage.pollyCharacters).every((c) => c === 0)
  );
}
