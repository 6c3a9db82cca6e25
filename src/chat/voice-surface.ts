import type { Payer } from '../app/budgets/budgets.ts';
import type { AppError, Result } from '../domain/result.ts';
import type { VoiceUsageSummary } from '../domain/voice/usage.ts';

/** What a voice-capable surface offers to /join and /leave. */
export interface VoiceSurface {
  join(request: JoinRequest): Promise<Result<{ readonly channelName: string }, AppError>>;
  /** Ends the conversation; `summary` is what it used, when the surface ran one. */
  leave(): Promise<Result<LeaveOutcome, AppError>>;
  /** The running conversation's state and figures (/voice status); an error when there is none. */
  status?(): Result<VoiceStatus, AppError>;
}

/** What /voice status shows. Receive figures are per speaker, by display name. */
export interface VoiceStatus {
  readonly channelName: string;
  readonly engine: 'sonic' | 'cascade';
  /** The Sonic model id, or the cascade's text model. */
  readonly model?: string;
  readonly listen: JoinRequest['listen'];
  /** The voice connection's state (Discord: ready, connecting, signalling...; playground: the microphone). */
  readonly connection: string;
  /** Transport encryption (Discord: the negotiated RTP mode). */
  readonly encryption?: string;
  /** DAVE end-to-end encryption, when the connection has a session: its protocol version and MLS epoch. */
  readonly dave?: { readonly protocolVersion: number; readonly epoch?: number };
  readonly speakers: readonly SpeakerReceiveStatus[];
  /** Sessions renewed before the model's time limit. */
  readonly renewals: number;
  /** Rejoins for broken receive (DAVE failures, deaf watchdog). */
  readonly rejoins?: number;
  /** Answers whose latency was measured. */
  readonly turns: number;
  /** End of user speech -> first bot audio, this conversation. */
  readonly voiceToVoiceMs?: { readonly p50: number; readonly p95: number };
  readonly durationMs: number;
}

export interface SpeakerReceiveStatus {
  readonly name: string;
  /** Packets received, decoded to PCM, judged lost (and of those concealed), and receive failures (dropped). */
  readonly received: number;
  readonly decoded: number;
  readonly lost: number;
  readonly concealed: number;
  readonly failures: number;
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
