import { describe, expect, it } from 'vitest';
import { MESSAGE_TEXT_LIMIT, renderMessages, renderProgress } from '../../../adapters/slack/blocks.ts';
import { toMrkdwn } from '../../../adapters/slack/mrkdwn.ts';

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
