import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { AwsCredentialsProbe } from '../../src/ports/aws-credentials.ts';

/**
 * Asks the SDK's default credential chain, as the Bedrock client resolves it, whether there are credentials.
 * Nothing is sent to AWS; on a machine where the chain ends at an unreachable instance metadata service the
 * answer is 'unknown' after `timeoutMs`.
 */
export class SdkCredentialsProbe implements AwsCredentialsProbe {
  readonly #client: BedrockRuntimeClient;
  readonly #timeoutMs: number;

  constructor(client: BedrockRuntimeClient, timeoutMs = 5000) {
    this.#client = client;
    this.#timeoutMs = timeoutMs;
  }

  async probe(): Promise<'found' | 'missing' | 'unknown'> {
    const resolve = this.#client.config.credentials;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'unknown'>((done) => {
      timer = setTimeout(() => done('unknown'), this.#timeoutMs);
    });
    try {
      const found = resolve().then(
        (identity) => (identity.accessKeyId ? ('found' as const) : ('missing' as const)),
        () => 'missing' as const,
      );
      return await Promise.race([found, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
