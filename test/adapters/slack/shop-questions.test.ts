import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageHandlers } from '../../../commands/index.ts';
import { askOnFakeBedrock } from '../../support/ask-deps.ts';
import { aDeps } from '../../support/command-context.ts';
import { knowledgeDepsFor, searchThenAnswer, starterKnowledgeBase } from '../../support/kb-fixtures.ts';
import { blockText, eventBody, type Harness, postSigned, startHarness } from './harness.ts';

const bedrock = askOnFakeBedrock();
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
let h: Harness;
beforeAll(async () => {
  fixture = await starterKnowledgeBase();
  const deps = aDeps({ ask: bedrock.deps, knowledge: knowledgeDepsFor(fixture.kb) });
  h = await startHarness([], { handlers: messageHandlers, deps });
});
afterAll(async () => {
  await h.close();
  await fixture.close();
});

const post = (event: object) => postSigned(h.eventsUrl, eventBody(event), { contentType: 'application/json' });

describe('Slack: a shop question to the bot in a channel (the real message handlers)', () => {
  it('a mention reaches the assistant, which answers in the thread with its sources', async () => {
    bedrock.fake.setHandler(searchThenAnswer('No, the lasagne contains gluten (wheat pasta).', 'lasagne gluten'));
    const ts = '1700000900.000001';
    await post({ type: 'app_mention', user: 'U1', text: '<@UBOT> is the lasagne gluten free?', ts, channel: 'C1' });
    const answer = await h.fake.waitFor(
      () =>
        [...h.fake.callsTo('chat.postMessage'), ...h.fake.callsTo('chat.update')].find((c) =>
          blockText(c.args).includes('contains gluten'),
        ),
      'the answer',
    );
    expect(blockText(answer.args)).toMatch(/Shop assistant · Model a · Sources: menu\.md › Lasagne/);
    expect(answer.args.channel).toBe('C1');
  });

  it('the same question not addressed to the bot gets nothing, and costs no model call', async () => {
    bedrock.fake.requests.length = 0;
    const before = h.fake.callsTo('chat.postMessage').length;
    const ts = '1700000901.000001';
    await post({
      type: 'message',
      channel_type: 'channel',
      user: 'U1',
      text: 'is the lasagne gluten free?',
      ts,
      channel: 'C1',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(before);
    expect(bedrock.fake.requests).toEqual([]);
  });
});
