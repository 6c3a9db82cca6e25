import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderAssistant } from '../../commands/order-assistant.ts';
import { assistantRoute } from '../../commands/order-assistant-route.ts';
import { handleMessage } from '../../src/chat/dispatcher.ts';
import { askOnFakeBedrock } from '../support/ask-deps.ts';
import { aCommandContext, type RecordingNotifier } from '../support/command-context.ts';
import { knowledgeDepsFor, searchThenAnswer, starterKnowledgeBase } from '../support/kb-fixtures.ts';

const bedrock = askOnFakeBedrock();
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
beforeAll(async () => {
  fixture = await starterKnowledgeBase();
});
afterAll(() => fixture.close());

const inChannel = () =>
  aCommandContext({
    place: { platform: 'discord', isDirect: false },
    deps: { ask: bedrock.deps, knowledge: knowledgeDepsFor(fixture.kb) },
  });

describe('where a channel message goes: the shop questions, the asker’s orders, or nowhere', () => {
  it.each([
    ['is the lasagne gluten free?', 'shop'],
    ['do you deliver to Riverside?', 'shop'],
    ['what time do you open on Sunday?', 'shop'],
    ['a lasagna é sem glúten?', 'shop'],
    ['where is my order?', 'orders'],
    ['when will my delivery arrive?', 'orders'],
    ['can I get a refund for my order?', 'orders'],
    ['what a nice day', undefined],
    ['hello there', undefined],
  ])('%s → %s', async (message, route) => {
    expect(await assistantRoute(inChannel(), message)).toBe(route);
  });

  it('a DM is always the order assistant', async () => {
    const dm = aCommandContext({ place: { isDirect: true }, deps: { knowledge: knowledgeDepsFor(fixture.kb) } });
    expect(await assistantRoute(dm, 'hello there')).toBe('orders');
  });
});

describe('a shop question in a channel', () => {
  it('is answered there from the documents, with the sources in the footer, and no order tool offered', async () => {
    bedrock.fake.requests.length = 0;
    bedrock.fake.setHandler(searchThenAnswer('No, the lasagne contains gluten (wheat pasta).', 'lasagne gluten'));
    const ctx = inChannel();
    const reply = await handleMessage([orderAssistant], ctx, 'is the lasagne gluten free?');
    expect(reply).toMatchObject({ kind: 'text', text: 'No, the lasagne contains gluten (wheat pasta).' });
    expect(reply?.kind === 'text' && reply.footer).toMatch(/^Shop assistant · Model a · Sources: menu\.md › Lasagne/);
    expect(bedrock.fake.requests[0]?.body.toolConfig?.tools.map((t) => t.toolSpec?.name)).toEqual(['search_knowledge']);
    expect((ctx.deps.notifier as RecordingNotifier).sent).toEqual([]);
  });

  it('"do you deliver to Riverside?" cites the delivery zones', async () => {
    bedrock.fake.setHandler(searchThenAnswer('Yes: Riverside is in the South zone.', 'deliver Riverside'));
    const reply = await handleMessage([orderAssistant], inChannel(), 'do you deliver to Riverside?');
    expect(reply?.kind === 'text' && reply.footer).toMatch(/Sources: delivery-zones\.md/);
  });
});
