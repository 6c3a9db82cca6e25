import { describe, expect, it } from 'vitest';
import { askCommand, askCommandWith } from '../../commands/ask.ts';
import { askFollowUp } from '../../commands/ask-follow-up.ts';
import { commands, messageHandlers } from '../../commands/index.ts';
import { handleMessage, runCommand } from '../../src/chat/dispatcher.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { askOnFakeBedrock } from '../support/ask-deps.ts';
import { aCommandContext } from '../support/command-context.ts';
import { failures } from '../support/fake-bedrock.ts';

const keyOf = (modelId: string) => /us\.test\.(\w+)-v1/.exec(modelId)?.[1] ?? '';
const command = askCommandWith({ models: [], templates: [{ name: 'pirate', value: 'pirate' }] });

function textOf(reply: Reply | undefined): string {
  if (reply?.kind !== 'text') throw new Error(`expected a text reply, got ${JSON.stringify(reply)}`);
  return reply.text;
}

describe('/ask through the dispatcher', () => {
  const bedrock = askOnFakeBedrock();

  it('is registered with its follow-up handler', () => {
    expect(commands).toContain(askCommand);
    expect(messageHandlers).toContain(askFollowUp);
  });

  it('suggests models from the catalog, completing the last item of a compare list', async () => {
    const model = await askCommand.options.model.autocomplete?.('haiku');
    expect(model?.map((c) => c.value)).toEqual(['claude-haiku-4-5', 'claude-haiku-5-5']);
    const list = await askCommand.options.compare.autocomplete?.('nova-lite, nova');
    expect(list?.map((c) => c.value)).toEqual(['nova-lite,nova-micro', 'nova-lite,nova-pro', 'nova-lite,nova-2-lite']);
    expect(askCommand.options.template.choices?.map((c) => c.value)).toContain('explain');
  });

  it('streams progress, then answers with model, latency, tokens and cost in the footer', async () => {
    bedrock.fake.setHandler(() => ({
      chunks: ['The sky', ' is blue.'],
      usage: { inputTokens: 1200, outputTokens: 34 },
    }));
    const ctx = aCommandContext({ deps: { ask: bedrock.deps } });
    const reply = await runCommand(command, ctx, { prompt: 'Why is the sky blue?' });
    expect(reply).toMatchObject({ kind: 'text', text: 'The sky is blue.' });
    expect(reply.kind === 'text' && reply.footer).toMatch(
      /^Model a · \d+ ms · 1,200 in \/ 34 out tokens · \$0\.001268$/,
    );
    // The answer starts at once as a placeholder; text updates are coalesced (see ask-progress.test.ts).
    expect(ctx.reply.progressReplies[0]).toMatchObject({ kind: 'text', text: '…', footer: 'Model a · answering…' });
  });

  it('says which model answered and why the first did not', async () => {
    bedrock.fake.setHandler((_r, id) =>
      keyOf(id) === 'a' ? { chunks: ['par', 'tial'], fail: failures.midStream(1) } : { chunks: ['from b'] },
    );
    const ctx = aCommandContext({ deps: { ask: bedrock.deps } });
    const reply = await runCommand(command, ctx, { prompt: 'q' });
    expect(textOf(reply)).toContain('_Answered by Model b: Model a failed mid-answer._');
    expect(reply.kind === 'text' && reply.footer).toMatch(/^Model b · /);
    expect(ctx.reply.progressTexts.some((t) => t.includes('Model a failed mid-answer; Model b is answering'))).toBe(
      true,
    );
  });

  it('gives clear errors for bad input', async () => {
    const ctx = aCommandContext({ deps: { ask: bedrock.deps } });
    expect(await runCommand(command, ctx, { prompt: '' })).toMatchObject({
      kind: 'error',
      code: 'input.missing_option',
    });
    expect(await runCommand(command, ctx, { prompt: 'x'.repeat(4001) })).toMatchObject({
      kind: 'error',
      code: 'input.too_long',
    });
    expect(await runCommand(command, ctx, { prompt: 'q', model: 'gpt-9' })).toMatchObject({
      kind: 'error',
      code: 'ask.unknown_model',
    });
    expect(await runCommand(command, ctx, { prompt: 'q', template: 'nope' })).toMatchObject({
      kind: 'error',
      code: 'input.not_a_choice',
    });
    expect(await runCommand(command, ctx, { prompt: 'q', model: 'a', compare: 'a,b' })).toMatchObject({
      kind: 'error',
      code: 'ask.model_and_compare',
    });
    expect(bedrock.fake.requests).toHaveLength(0);
  });

  it('tells the user the model is not enabled when nothing else can answer', async () => {
    bedrock.fake.setHandler(() => ({ fail: failures.accessDenied() }));
    const reply = await runCommand(command, aCommandContext({ deps: { ask: bedrock.deps } }), { prompt: 'q' });
    expect(reply).toMatchObject({ kind: 'error', code: 'ask.all_models_failed' });
    expect(reply.kind === 'error' && reply.hint).toMatch(/Enable model access/);
  });

  it('compares models side by side with a summary table', async () => {
    bedrock.fake.setHandler((_r, id) =>
      keyOf(id) === 'c' ? { fail: failures.throttled() } : { chunks: [`I am ${keyOf(id)}`] },
    );
    const ctx = aCommandContext({ deps: { ask: bedrock.deps } });
    const reply = await runCommand(command, ctx, { prompt: 'who are you?', compare: 'a,b,c' });
    if (reply.kind !== 'composite') throw new Error(`expected composite, got ${reply.kind}`);
    expect(reply.parts.map((p) => p.kind)).toEqual(['text', 'text', 'error', 'table']);
    expect(reply.parts[0]).toMatchObject({ title: 'Model a', text: 'I am a' });
    const table = reply.parts[3];
    expect(table?.kind === 'table' && table.rows.map((r) => r.at(-1))).toEqual(['ok', 'ok', 'was throttled']);
    expect(ctx.reply.progressTexts.at(-1)).toMatch(/^3\/3 models answered/);
  });

  it('remembers the answer under the thread key and continues it from a thread message', async () => {
    bedrock.fake.setHandler(() => ({ chunks: ['Paris.'] }));
    const first = aCommandContext({ deps: { ask: bedrock.deps }, threadKey: 'thread-42' });
    textOf(await runCommand(command, first, { prompt: 'Capital of France?', model: 'b' }));
    expect(first.reply.threadKeyCalls).toBe(1);

    bedrock.fake.setHandler(() => ({ chunks: ['Rome.'] }));
    const inThread = aCommandContext({ deps: { ask: bedrock.deps }, place: { threadKey: 'thread-42' } });
    const followUp = await handleMessage(messageHandlers, inThread, 'And Italy?');
    expect(textOf(followUp)).toBe('Rome.');
    const sent = bedrock.fake.requests.at(-1);
    expect(sent?.modelId).toBe('us.test.b-v1:0');
    expect(sent?.body.messages?.map((m) => m.content[0]?.text)).toEqual(['Capital of France?', 'Paris.', 'And Italy?']);
    expect((await bedrock.deps.conversations.get('thread-42'))?.turns).toHaveLength(4);
  });

  it('offers Cancel while streaming, and a cancel stops the model call', async () => {
    bedrock.fake.setHandler(() => ({ chunks: ['first words', ' never'], fail: failures.hang(1) }));
    const ctx = aCommandContext({ deps: { ask: bedrock.deps } });
    ctx.reply.onProgress = (r) => {
      if (r.kind === 'text' && r.text.includes('first words')) ctx.cancel();
    };
    const reply = await runCommand(command, ctx, { prompt: 'q' });
    // The words that had arrived stay, with where and why they stop (before: a bare "cancelled" error).
    expect(textOf(reply)).toMatch(/^first words\n\n_✂ Cut off here after 2 words: the question was cancelled/);
    expect(ctx.reply.progressCalls.every((c) => c.cancellable)).toBe(true);
    // Cancelled means cancelled: no fallback model was asked.
    expect(bedrock.fake.requests).toHaveLength(1);
  });

  it('leaves other messages alone', async () => {
    const noThread = aCommandContext({ deps: { ask: bedrock.deps } });
    expect(await handleMessage(messageHandlers, noThread, 'hello')).toBeUndefined();
    const unknownThread = aCommandContext({ deps: { ask: bedrock.deps }, place: { threadKey: 'someone-else' } });
    expect(await askFollowUp.handle(unknownThread, 'hello')).toBeUndefined();
    expect(bedrock.fake.requests).toHaveLength(0);
  });
});
