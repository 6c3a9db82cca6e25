import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';

export interface TextClientOptions {
  /** AWS_REGION. */
  readonly region: string;
  /** BEDROCK_ENDPOINT: tests, VPC endpoints. */
  readonly endpoint?: string;
  /** SDK attempts per call; the standard mode retries throttling and 5xx before the fallback chain takes over. */
  readonly maxAttempts?: number;
}

/**
 * The Converse / ConverseStream / CountTokens client shared by /ask, /bench and the order assistant. Credentials
 * come from the default chain (env, profile, SSO, instance role); none found surfaces as `model.no_credentials`.
 */
export function createBedrockTextClient(options: TextClientOptions): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
  });
}
