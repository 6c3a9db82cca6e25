import { PollyClient } from '@aws-sdk/client-polly';
import { TranscribeStreamingClient } from '@aws-sdk/client-transcribe-streaming';

/** The cascade engine's SDK clients (default credential chain; region per AWS_REGION). */
export const createTranscribeClient = (region: string): TranscribeStreamingClient =>
  new TranscribeStreamingClient({ region });

export const createPollyClient = (region: string): PollyClient => new PollyClient({ region });
