import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfnKnowledgeChain } from '../../../adapters/aws/sfn-knowledge-chain.ts';
import { type FakeAwsJson, startFakeAwsJson } from '../../support/fake-aws-json.ts';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:sonicord-kb-chain';
let fake: FakeAwsJson;
let chain: SfnKnowledgeChain;

beforeAll(async () => {
  fake = await startFakeAwsJson('http1');
  const client = new SFNClient({
    endpoint: fake.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' },
    maxAttempts: 1,
    // StartSyncExecution's endpoint is `sync-states...`: the prefix cannot go on a loopback address.
    disableHostPrefix: true,
  });
  chain = new SfnKnowledgeChain(client, ARN, 4);
});
afterAll(() => fake.close());

const succeeded = (output: unknown) => ({
  body: { executionArn: `${ARN}:x`, status: 'SUCCEEDED', output: JSON.stringify(output), startDate: 1, stopDate: 2 },
});

describe('SfnKnowledgeChain (StartSyncExecution on the wire)', () => {
  it('starts the Express workflow with the question, history and limit, and reads the Pass state output', async () => {
    fake.setHandler(() =>
      succeeded({
        keywords: 'delivery zone',
        retrieval: 'done',
        results: [
          {
            Content: { Text: 'Riverside is in the South zone.' },
            Location: { S3Location: { Uri: 's3://b/chunks/delivery-zones.md/3.md' } },
            Metadata: { source: 'delivery-zones.md', section: 'Delivery zones and fees › South' },
            Score: 0.7,
          },
        ],
        usage: [{ inputTokens: 10, outputTokens: 3 }],
      }),
    );
    const result = await chain.prepare({ question: 'Riverside?', history: [{ role: 'user', text: 'hi' }] });
    const request = fake.requests.at(-1);
    expect(request?.target).toBe('AWSStepFunctions.StartSyncExecution');
    expect(request?.body.stateMachineArn).toBe(ARN);
    expect(JSON.parse(String(request?.body.input))).toEqual({ question: 'Riverside?', history: 'user: hi', limit: 4 });
    expect(result.ok && result.value).toEqual({
      keywords: 'delivery zone',
      retrieval: 'done',
      hits: [
        {
          chunkId: 's3://b/chunks/delivery-zones.md/3.md#0',
          source: 'delivery-zones.md',
          section: 'Delivery zones and fees › South',
          text: 'Riverside is in the South zone.',
          score: 0.7,
        },
      ],
    });
  });

  it('treats a FAILED or TIMED_OUT execution (HTTP 200) as kb.chain_failed with its error', async () => {
    fake.setHandler(() => ({
      body: {
        executionArn: 'x',
        status: 'FAILED',
        error: 'States.Timeout',
        cause: 'too slow',
        startDate: 1,
        stopDate: 2,
      },
    }));
    const failed = await chain.prepare({ question: 'x' });
    expect(!failed.ok && failed.error).toMatchObject({
      code: 'kb.chain_failed',
      message: expect.stringContaining('States.Timeout too slow'),
    });
  });

  it('reports an API error or an unexpected output as kb.chain_failed, never a throw', async () => {
    fake.setHandler(() => ({ status: 400, errorType: 'StateMachineDoesNotExist', message: 'no such machine' }));
    const missing = await chain.prepare({ question: 'x' });
    expect(!missing.ok && missing.error.message).toContain('StateMachineDoesNotExist');
    fake.setHandler(() => succeeded({ hello: 'world' }));
    const odd = await chain.prepare({ question: 'x' });
    expect(!odd.ok && odd.error.code).toBe('kb.chain_failed');
  });
});
