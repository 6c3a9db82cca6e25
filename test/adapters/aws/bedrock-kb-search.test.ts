import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockKbSearch } from '../../../adapters/aws/bedrock-kb-search.ts';
import { type FakeAwsJson, startFakeAwsJson } from '../../support/fake-aws-json.ts';

let fake: FakeAwsJson;
let search: BedrockKbSearch;

beforeAll(async () => {
  fake = await startFakeAwsJson('h2');
  const client = new BedrockAgentRuntimeClient({
    endpoint: fake.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' },
    maxAttempts: 1,
  });
  search = new BedrockKbSearch(client, 'KB12345678');
});
afterAll(() => fake.close());

describe('BedrockKbSearch (Retrieve on the wire)', () => {
  it('sends question + keywords and the result count, and reads chunks with their source and section', async () => {
    fake.setHandler(() => ({
      body: {
        retrievalResults: [
          {
            content: { text: 'Riverside is part of the South zone.', type: 'TEXT' },
            location: { type: 'S3', s3Location: { uri: 's3://kb-bucket/chunks/delivery-zones.md/3.md' } },
            metadata: {
              source: 'delivery-zones.md',
              section: 'Delivery zones and fees › South',
              'x-amz-bedrock-kb-chunk-id': 'c-1',
            },
            score: 0.82,
          },
          {
            content: { text: 'No metadata here.' },
            location: { type: 'S3', s3Location: { uri: 's3://b/faq.md' } },
            score: 0.4,
          },
          { location: { type: 'S3' }, score: 0.1 },
        ],
      },
    }));
    const result = await search.search({
      text: 'do you deliver to Riverside?',
      keywords: 'delivery zone south',
      limit: 3,
    });
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/knowledgebases/KB12345678/retrieve',
      body: {
        retrievalQuery: { text: 'do you deliver to Riverside? delivery zone south' },
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 3 } },
      },
    });
    expect(result.ok && result.value).toEqual([
      {
        chunkId: 'c-1',
        source: 'delivery-zones.md',
        section: 'Delivery zones and fees › South',
        text: 'Riverside is part of the South zone.',
        score: 0.82,
      },
      { chunkId: 's3://b/faq.md#1', source: 'faq.md', section: 'faq.md', text: 'No metadata here.', score: 0.4 },
    ]);
  });

  it('turns service errors into kb.retrieve_failed with a hint, never a throw', async () => {
    fake.setHandler(() => ({ status: 404, errorType: 'ResourceNotFoundException', message: 'KB not found' }));
    const result = await search.search({ text: 'x' });
    expect(!result.ok && result.error).toMatchObject({
      code: 'kb.retrieve_failed',
      message: expect.stringContaining('ResourceNotFoundException'),
      hint: expect.stringContaining('KB_KNOWLEDGE_BASE_ID'),
    });
  });
});
