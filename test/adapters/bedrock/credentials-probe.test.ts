import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { SdkCredentialsProbe } from '../../../adapters/bedrock/credentials-probe.ts';

const clients: BedrockRuntimeClient[] = [];
const client = (credentials?: BedrockRuntimeClient['config']['credentials']) => {
  const made = new BedrockRuntimeClient({ region: 'us-east-1', ...(credentials ? { credentials } : {}) });
  clients.push(made);
  return made;
};

describe('SdkCredentialsProbe (the SDK default chain, nothing sent to AWS)', () => {
  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
  });

  it('finds static credentials', async () => {
    const probe = new SdkCredentialsProbe(client(async () => ({ accessKeyId: 'AKIDTEST', secretAccessKey: 's' })));
    expect(await probe.probe()).toBe('found');
  });

  it('says missing when the chain has none', async () => {
    const failing = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      });
    };
    expect(await new SdkCredentialsProbe(client(failing)).probe()).toBe('missing');
  });

  it('says unknown when the chain does not answer in time (an unreachable metadata service)', async () => {
    const never = () => new Promise<never>(() => {});
    expect(await new SdkCredentialsProbe(client(never), 50).probe()).toBe('unknown');
  });
});
