import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockTextModel } from '../../adapters/bedrock/bedrock-text-model.ts';
import { askCommand } from '../../commands/ask.ts';
import { benchCommand } from '../../commands/bench.ts';
import { messageHandlers } from '../../commands/index.ts';
import { AwsAccess, NO_AWS_CREDENTIALS } from '../../src/app/aws-access.ts';
import { DEFAULT_VOICE_SYSTEM_PROMPT } from '../../src/app/voice/deps.ts';
import { startVoice } from '../../src/app/voice/start-voice.ts';
import { handleMessage, runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { userId } from '../../src/domain/ids.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { askDepsFor, type TestAskDeps } from '../support/ask-deps.ts';
import { aCommandContext } from '../support/command-context.ts';
import { bedrockClientFor, type FakeBedrock, startFakeBedrock } from '../support/fake-bedrock.ts';
import { MemoryChannelIo, ScriptedVoiceModel } from '../support/voice-loop-fakes.ts';
import { fileOf } from './bench/bench-support.ts';

const missing = async (): Promise<AwsAccess> => {
  const aws = new AwsAccess();
  await aws.check({ probe: async () => 'missing' });
  return aws;
};
const theOneMessage: Reply = { kind: 'error', ...NO_AWS_CREDENTIALS };

describe('without AWS credentials, every AWS feature gives one clear message', () => {
  it('/ask answers it without touching a model', async () => {
    // deps.ask is not given: touching it would throw.
    const ctx = aCommandContext({ deps: { aws: await missing() } });
    expect(await runCommand(askCommand, ctx, { prompt: 'hello', compare: 'nova-lite,claude-haiku-4-5' })).toEqual(
      theOneMessage,
    );
  });

  it('/bench mode:run answers it once instead of a card of row errors; score mode still runs', async () => {
    const ctx = aCommandContext({ deps: { aws: await missing() } });
    const file = fileOf('prompts.csv', 'prompt,expected\nhi,hello\n');
    expect(await runCommand(benchCommand, ctx, { file, mode: 'run', models: 'nova-lite' })).toEqual(theOneMessage);
  });

  it('free text to the order assistant answers it, not "try again in a moment"', async () => {
    const ctx = aCommandContext({ deps: { aws: await missing() }, place: { isDirect: true } });
    expect(await handleMessage(messageHandlers, ctx, 'where is my order?')).toEqual(theOneMessage);
  });

  it('voice (/join and the playground microphone both start here) answers it', async () => {
    const started = startVoice(
      {
        models: { sonic: new ScriptedVoiceModel() },
        tools: () => [],
        systemPrompt: DEFAULT_VOICE_SYSTEM_PROMPT,
        aws: await missing(),
      },
      {
        io: new MemoryChannelIo(),
        request: { engine: 'sonic', listen: 'everyone', transcripts: true },
        invoker: { user: userId('web', 'alice'), isStaff: false },
        log: silentLogger,
      },
    );
    expect(started).toEqual({ ok: false, error: NO_AWS_CREDENTIALS });
  });
});

describe('a call that finds no credentials (the startup check had not answered)', () => {
  let fake: FakeBedrock;
  let deps: TestAskDeps;
  beforeAll(async () => {
    fake = await startFakeBedrock(() => ({ chunks: ['never'] }));
    const noCredentials = bedrockClientFor(fake.endpoint, {
      credentials: () =>
        Promise.reject(Object.assign(new Error('Could not load credentials'), { name: 'CredentialsProviderError' })),
    });
    const base = askDepsFor(fake.endpoint);
    deps = { ...base, textModel: new BedrockTextModel(noCredentials, base.catalog) };
  });
  afterAll(async () => {
    deps.destroy();
    await fake.close();
  });

  it('answers the same message, and the next request is refused before any call', async () => {
    const aws = new AwsAccess();
    const ctx = aCommandContext({ deps: { ask: deps, aws } });
    expect(await runCommand(askCommand, ctx, { prompt: 'hello' })).toEqual(theOneMessage);
    expect(aws.status).toBe('missing');
    const calls = fake.requests.length;
    expect(await runCommand(askCommand, aCommandContext({ deps: { ask: deps, aws } }), { prompt: 'again' })).toEqual(
      theOneMessage,
    );
    expect(fake.requests.length).toBe(calls);
  });
});

describe('AwsAccess', () => {
  it('is unchecked until the probe answers, and a probe that throws is unknown, not missing', async () => {
    const aws = new AwsAccess();
    expect(aws.status).toBe('unchecked');
    expect(aws.refusal).toBeUndefined();
    await aws.check({ probe: () => Promise.reject(new Error('boom')) });
    expect(aws.status).toBe('unknown');
    expect(aws.refusal).toBeUndefined();
  });
});
