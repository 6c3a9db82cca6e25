import { describe, expect, it } from 'vitest';
import {
  MESSAGE_TEXT_LIMIT,
  renderMessages,
  renderProgress,
  type SlackMessage,
} from '../../../adapters/slack/blocks.ts';
import { EphemeralSlackReply } from '../../../adapters/slack/ephemeral-reply.ts';
import { toMrkdwn } from '../../../adapters/slack/mrkdwn.ts';
import { ResponseUrl } from '../../../adapters/slack/response-url.ts';
import { silentLogger } from '../../../src/ports/logger.ts';

describe('toMrkdwn', () => {
  it('translates emphasis, links and headings, and escapes Slack control characters', () => {
    expect(toMrkdwn('**bold** and *it* and ~~gone~~')).toBe('*bold* and _it_ and ~gone~');
    expect(toMrkdwn('see [the docs](https://example.com/a?b=1)')).toBe('see <https://example.com/a?b=1|the docs>');
    expect(toMrkdwn('## Title\n1 < 2 & 3 > 2')).toBe('*Title*\n1 &lt; 2 &amp; 3 &gt; 2');
  });

  it('leaves code alone apart from escaping', () => {
    expect(toMrkdwn('run `a **b** <c>` then\n```\n**x** <y>\n```')).toBe(
      'run `a **b** &lt;c&gt;` then\n```\n**x** &lt;y&gt;\n```',
    );
  });
});

describe('renderMessages', () => {
  it('renders errors with their hint and reference', () => {
    const [message] = renderMessages({
      kind: 'error',
      code: 'internal',
      message: 'Something broke',
      hint: 'Try again',
      correlationId: 'abcd1234',
    });
    expect(message?.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':warning: *Something broke*\nTry again' } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Reference: `abcd1234`' }] },
    ]);
  });

  it('splits a long answer into messages within the text and block limits, losing nothing', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`);
    const messages = renderMessages({ kind: 'text', text: words.join(' '), title: 'Long' });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(MESSAGE_TEXT_LIMIT);
      expect(m.blocks.length).toBeLessThanOrEqual(50);
    }
    const all = messages.flatMap((m) => m.blocks).map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
    expect(all.join(' ').split(/\s+/).filter(Boolean)).toEqual(words);
  });

  it('separates composite parts with dividers', () => {
    const [message] = renderMessages({
      kind: 'composite',
      parts: [
        { kind: 'text', text: 'a' },
        { kind: 'text', text: 'b' },
      ],
    });
    expect(message?.blocks.map((b) => b.type)).toEqual(['section', 'divider', 'section']);
  });
});

describe('renderProgress', () => {
  it('shows the tail of a long streamed answer and a cancel button carrying the invocation', () => {
    const long = `${'start '.repeat(1000)}THE END`;
    const message = renderProgress({ kind: 'text', text: long }, { invocationId: 'trig-1' });
    expect(JSON.stringify(message.blocks)).toContain('THE END');
    expect(JSON.stringify(message.blocks)).toContain('… (continued)');
    expect(message.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ type: 'button', action_id: 'cancel:trig-1', text: { text: 'Cancel' } }],
    });
  });
});

function mrkdwnTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mrkdwnTexts);
  if (value === null || typeof value !== 'object') return [];
  const node = value as { type?: unknown; text?: unknown };
  const own = node.type === 'mrkdwn' && typeof node.text === 'string' ? [node.text] : [];
  return [...own, ...Object.values(value).flatMap(mrkdwnTexts)];
}

describe('mentions in model text never notify', () => {
  const sneaky = 'Hey <!channel> <!here> <!everyone> <!subteam^S123|@team> <@U999> <#C123> read this';
  const mentionMarkup = /<[!@#]/;

  it('escapes <!…>, <@…> and <#…> in text, titles, footers, tables, errors and their notification text', () => {
    const messages = renderMessages({
      kind: 'composite',
      parts: [
        { kind: 'text', title: '<!channel>.csv', text: sneaky, footer: '<!here> footer' },
        { kind: 'table', title: '<@U999> table', columns: ['<!here>'], rows: [['<!channel>']] },
        { kind: 'error', code: 'x', message: '<!channel> failed', hint: '<@U999>' },
      ],
    });
    for (const message of messages) {
      expect(message.text).not.toMatch(mentionMarkup);
      // Slack parses mentions in mrkdwn only; a header's plain_text shows `<!channel>` as written.
      for (const mrkdwn of mrkdwnTexts(message.blocks)) expect(mrkdwn).not.toMatch(mentionMarkup);
    }
    expect(messages[0]?.text).toContain('*&lt;!channel&gt;.csv*');
  });

  it('keeps only the mention the bot means: the invoker in the lead line', () => {
    const [message] = renderMessages({ kind: 'text', text: sneaky }, '<@U1> used `/ask`');
    expect(message?.text.match(/<[!@#][^>]*>/g)).toEqual(['<@U1>']);
  });

  it('a file named <!channel>.csv, listed where files cannot be shared, notifies nobody', async () => {
    const sent: SlackMessage[] = [];
    const reply = new EphemeralSlackReply(new ResponseUrl(async (message) => void sent.push(message), silentLogger));
    const data = new Uint8Array([1]);
    await reply.finish({
      kind: 'composite',
      parts: [{ kind: 'text', text: 'done' }],
      files: [{ name: '<!channel>.csv', contentType: 'text/csv', data }],
    });
    expect(sent.map((m) => m.text).join('\n')).toContain('&lt;!channel&gt;.csv');
    for (const message of sent) {
      expect(message.text).not.toMatch(mentionMarkup);
      for (const mrkdwn of mrkdwnTexts(message.blocks)) expect(mrkdwn).not.toMatch(mentionMarkup);
    }
  });
});
