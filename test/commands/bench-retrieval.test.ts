import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchCommand } from '../../commands/bench.ts';
import { runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { benchDeps, fileAt, fileOf } from '../app/bench/bench-support.ts';
import { askOnFakeBedrock } from '../support/ask-deps.ts';
import { aCommandContext } from '../support/command-context.ts';
import { knowledgeDepsFor, starterKnowledgeBase } from '../support/kb-fixtures.ts';

const bedrock = askOnFakeBedrock();
let fixture: Awaited<ReturnType<typeof starterKnowledgeBase>>;
beforeAll(async () => {
  fixture = await starterKnowledgeBase();
});
afterAll(() => fixture.close());

const ctx = () =>
  aCommandContext({
    deps: {
      bench: benchDeps({ textModel: bedrock.deps.textModel, catalog: bedrock.deps.catalog }),
      knowledge: knowledgeDepsFor(fixture.kb),
    },
  });
const measures = (reply: Reply): Record<string, string> => {
  if (reply.kind !== 'composite' || reply.parts[0]?.kind !== 'table') throw new Error(JSON.stringify(reply));
  return Object.fromEntries(reply.parts[0].rows.map((r) => [r[0], r[1]]));
};

describe('/bench mode:retrieval', () => {
  it('scores the shipped evaluation set: recall@k and MRR of the lexical index', async () => {
    const reply = await runCommand(benchCommand, ctx(), {
      file: fileAt('knowledge-eval/questions.csv'),
      mode: 'retrieval',
    });
    const m = measures(reply);
    expect(Number(m.questions)).toBeGreaterThanOrEqual(50);
    expect(Number(m['recall@5'])).toBeGreaterThanOrEqual(0.9);
    expect(Number(m['recall@1'])).toBeLessThanOrEqual(Number(m['recall@3']));
    expect(Number(m.MRR)).toBeGreaterThan(0);
  });

  it('lists misses with what was found instead', async () => {
    const file = fileOf('eval.csv', 'question,expected_source\nis the lasagne gluten free?,faq.md#Is my data safe?\n');
    const reply = await runCommand(benchCommand, ctx(), { file, mode: 'retrieval' });
    expect(measures(reply)['recall@5']).toBe('0.000');
    expect(reply.kind === 'composite' && reply.parts[1]).toMatchObject({
      title: 'Missed in the top 5',
      rows: [['is the lasagne gluten free?', 'faq.md#Is my data safe?', expect.stringMatching(/\.md#/)]],
    });
  });

  it('needs the question and expected_source columns', async () => {
    const reply = await runCommand(benchCommand, ctx(), {
      file: fileOf('x.csv', 'prompt,label\na,b\n'),
      mode: 'retrieval',
    });
    expect(reply).toMatchObject({ kind: 'error', code: 'bench.missing_column' });
  });

  it('with a model and expected answers, grades grounded answers with a judge', async () => {
    bedrock.fake.setHandler((r) => {
      const text = JSON.stringify(r.body.messages);
      if (text.includes('You grade answers'))
        return { chunks: [text.includes('contains gluten') && text.includes('<expected>No') ? 'PASS' : 'FAIL'] };
      return { chunks: [text.includes('lasagne') ? 'No, it contains gluten.' : 'We open at 9.'] };
    });
    const csv =
      'question,expected_source,expected_answer\nis the lasagne gluten free?,menu.md#Lasagne,"No, it has wheat pasta"\nwhen do you open on sunday?,opening-hours.md#Kitchen and delivery hours,At 12:00\n';
    const reply = await runCommand(benchCommand, ctx(), {
      file: fileOf('eval.csv', csv),
      mode: 'retrieval',
      models: 'a',
    });
    expect(measures(reply)['answers correct (judge)']).toBe('1/2 (1 wrong, 0 ungradable)');
  });
});
