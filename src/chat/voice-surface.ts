import type { Payer } from '../app/budgets/budgets.ts';
import type { AppError, Result } from '../domain/result.ts';
import type { VoiceUsageSummary } from '../domain/voice/usage.ts';

/** What a voice-capable surface offers to /join and /leave. */
export interface VoiceSurface {
  join(request: JoinRequest): Promise<Result<{ readonly channelName: string }, AppError>>;
  /** Ends the conversation; `summary` is what it used, when the surface ran one. */
  leave(): Promise<Result<LeaveOutcome, AppError>>;
}

export interface LeaveOutcome {
  readonly summary?: VoiceUsageSummary;
}

export interface JoinRequest {
  readonly engine: 'sonic' | 'cascade';
  readonly voice?: string;
  /** Listen to everyone in the channel, or only to the user who ran /join. */
  readonly listen: 'everyone' | 'me';
  readonly transcripts: boolean;
  readonly model?: string;
  /** Who pays for the voice minutes (the budgets): the user who ran /join and their server. */
  readonly payer?: Payer;
}
