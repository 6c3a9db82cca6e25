import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { type Logger, silentLogger } from '../../../src/ports/logger.ts';
import type {
  PreparedVoiceSession,
  VoiceConversation,
  VoiceModel,
  VoiceSessionOptions,
} from '../../../src/ports/voice-model.ts';
import type { Endpointing, InputEvent } from './protocol.ts';
import { NovaSonicSession } from './session.ts';

export const DEFAULT_SONIC_MODEL_ID = 'amazon.nova-2-sonic-v1:0';

export interface NovaSonicOptions {
  readonly modelId?: string;
  /** Default voice when the session does not choose one (matthew, tiffany, amy, ...). */
  readonly voice?: string;
  readonly endpointing?: Endpointing;
  /** Default system prompt when the session does not bring one. */
  readonly systemPrompt?: string;
  readonly maxTokens?: number;
  readonly topP?: number;
  readonly temperature?: number;
  /** Emit `expiring` this long after opening; the service cuts a stream at about 8 minutes. Default 6 minutes. */
  readonly renewAfterMs?: number;
  /** The switch to the next stream must happen by then, turn boundary or not. Default 7.5 minutes. */
  readonly switchByMs?: number;
  readonly closeTimeoutMs?: number;
  /** Audio chunks that may wait for the transport before the oldest is dropped (32 ms each). Default 200. */
  readonly maxQueuedAudio?: number;
  readonly log?: Logger;
  readonly onInputEvent?: (event: InputEvent) => void;
}

/** Amazon Nova 2 Sonic over InvokeModelWithBidirectionalStream: one stream per opened conversation. */
export class NovaSonicVoiceModel implements VoiceModel {
  readonly engine = 'sonic';
  readonly modelId: string;
  readonly #client: BedrockRuntimeClient;
  readonly #options: NovaSonicOptions;

  constructor(client: BedrockRuntimeClient, options: NovaSonicOptions = {}) {
    this.#client = client;
    this.#options = options;
    this.modelId = options.modelId ?? DEFAULT_SONIC_MODEL_ID;
  }

  async open(session: VoiceSessionOptions, signal: AbortSignal): Promise<VoiceConversation> {
    return this.#session(session, signal).prime().begin(session.history, session.answer);
  }

  prepare(session: Omit<VoiceSessionOptions, 'history' | 'answer'>, signal: AbortSignal): PreparedVoiceSession {
    return this.#session(session, signal).prime();
  }

  #session(session: Omit<VoiceSessionOptions, 'history' | 'answer'>, signal: AbortSignal): NovaSonicSession {
    const o = this.#options;
    const renewAfterMs = o.renewAfterMs ?? 6 * 60_000;
    return new NovaSonicSession(
      this.#client,
      {
        modelId: o.modelId ?? DEFAULT_SONIC_MODEL_ID,
        voice: session.voice ?? o.voice ?? 'matthew',
        endpointing: o.endpointing ?? 'MEDIUM',
        systemPrompt: session.systemPrompt ?? o.systemPrompt,
        maxTokens: o.maxTokens ?? 1024,
        topP: o.topP ?? 0.9,
        temperature: o.temperature ?? 0.7,
        outputSampleRate: 24_000,
        renewAfterMs,
        switchByMs: Math.max(renewAfterMs, o.switchByMs ?? 7.5 * 60_000),
        closeTimeoutMs: o.closeTimeoutMs ?? 2_000,
        maxQueuedAudio: o.maxQueuedAudio ?? 200,
        log: (o.log ?? silentLogger).child({ component: 'nova-sonic' }),
        onInputEvent: o.onInputEvent,
      },
      session,
      signal,
    );
  }
}

export interface SonicClientOptions {
  readonly region: string;
  /** Override the endpoint (tests, VPC endpoints). */
  readonly endpoint?: string;
}

/**
 * A client of its own for Sonic: the bidirectional stream needs HTTP/2 with long stream timeouts and several
 * concurrent streams per connection (one per guild), unlike the Converse client.
 */
export function createSonicClient(options: SonicClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    requestHandler: {
      requestTimeout: 300_000,
      sessionTimeout: 300_000,
      disableConcurrentStreams: false,
      maxConcurrentStreams: 20,
    },
  });
}
