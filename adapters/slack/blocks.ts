import type { Button, KnownBlock } from '@slack/types';
import { actionKey } from '../../src/chat/actions.ts';
import { splitMessage, tableAsCodeBlock } from '../../src/chat/render-markdown.ts';
import type { ErrorReply, Reply, ReplyAction, TableReply, TextReply } from '../../src/chat/reply.ts';
import { assertNever } from '../../src/domain/result.ts';
import { escapeMrkdwn, toMrkdwn } from './mrkdwn.ts';

/** One Slack message: Block Kit blocks plus the plain `text` Slack shows in notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** chat.update refuses `text` over 4,000 characters (msg_too_long); a message holds at most 50 blocks. */
export const MESSAGE_TEXT_LIMIT = 4000;
const SECTION_LIMIT = 3000;
const MAX_BLOCKS = 50;
const HEADER_LIMIT = 150;

export const CANCEL_ACTION_PREFIX = 'cancel:';

interface Piece {
  readonly block: KnownBlock;
  readonly text: string;
}

/** Renders a reply as one or more messages, each within Slack's text and block limits. */
export function renderMessages(reply: Reply, lead?: string): SlackMessage[] {
  const pieces = [...(lead ? [context(lead)] : []), ...piecesOf(reply)];
  const messages: SlackMessage[] = [];
  let current: Piece[] = [];
  let size = 0;
  const flush = () => {
    if (current.length === 0) return;
    messages.push({ text: current.map((p) => p.text).join('\n'), blocks: current.map((p) => p.block) });
    current = [];
    size = 0;
  };
  for (const piece of pieces) {
    if (current.length >= MAX_BLOCKS || size + piece.text.length + 1 > MESSAGE_TEXT_LIMIT) flush();
    current.push(piece);
    size += piece.text.length + 1;
  }
  flush();
  return messages.length > 0 ? messages : [{ text: ' ', blocks: [] }];
}

/**
 * An intermediate state: a single message (the one being edited). A long streamed answer shows its tail,
 * so the reader sees it grow; the final render shows all of it.
 */
export function renderProgress(reply: Reply, cancel?: { invocationId: string }, lead?: string): SlackMessage {
  const messages = renderMessages(reply, lead);
  const last = messages.at(-1) ?? { text: ' ', blocks: [] };
  const shown = messages.length > 1 ? prepend(context('… (continued)'), last) : last;
  if (!cancel) return shown;
  return {
    text: shown.text,
    blocks: [
      ...shown.blocks.slice(0, MAX_BLOCKS - 1),
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: `${CANCEL_ACTION_PREFIX}${cancel.invocationId}`,
            value: cancel.invocationId,
            style: 'danger',
            text: { type: 'plain_text', text: 'Cancel' },
          },
        ],
      },
    ],
  };
}

/** The message a public slash command posts at once, edited as the command progresses. */
export const placeholder = (lead: string): SlackMessage =>
  renderProgress({ kind: 'text', text: ':hourglass_flowing_sand: Working on it…' }, undefined, lead);

/** "<@U123> used `/ask why…`": slash command text is invisible to the channel, so the answer repeats it. */
export function invocationLine(userId: string, command: string, text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 199)}…` : text;
  return `<@${userId}> used \`${escapeMrkdwn(`/${command} ${shown}`.trim())}\``;
}

function piecesOf(reply: Reply): Piece[] {
  switch (reply.kind) {
    case 'text':
      return textPieces(reply);
    case 'table':
      return tablePieces(reply);
    case 'error':
      return errorPieces(reply);
    case 'composite':
      return reply.parts.flatMap((part, i) => [...(i > 0 ? [divider()] : []), ...piecesOf(part)]);
    default:
      return assertNever(reply, 'reply');
  }
}

const textPieces = (reply: TextReply): Piece[] => [
  ...(reply.title ? [header(reply.title)] : []),
  ...sections(toMrkdwn(reply.text)),
  ...(reply.footer ? [context(toMrkdwn(reply.footer))] : []),
  ...(reply.actions && reply.actions.length > 0 ? [buttons(reply.actions)] : []),
];

/** A reply's buttons: each action_id is the action's key (interactions.ts routes `do:` ids to runAction). */
const buttons = (actions: readonly ReplyAction[]): Piece => ({
  block: {
    type: 'actions',
    elements: actions.slice(0, 5).map(
      (a): Button => ({
        type: 'button',
        action_id: actionKey(a),
        value: a.arg,
        text: { type: 'plain_text', text: a.label.slice(0, 75) },
        ...(a.style === 'primary' || a.style === 'danger' ? { style: a.style } : {}),
      }),
    ),
  },
  text: '',
});

const tablePieces = (reply: TableReply): Piece[] => [
  header(reply.title),
  ...sections(escapeMrkdwn(tableAsCodeBlock(reply))),
  ...(reply.footer ? [context(toMrkdwn(reply.footer))] : []),
];

const errorPieces = (reply: ErrorReply): Piece[] => [
  ...sections(`:warning: *${toMrkdwn(reply.message)}*${reply.hint ? `\n${toMrkdwn(reply.hint)}` : ''}`),
  ...(reply.correlationId ? [context(`Reference: \`${escapeMrkdwn(reply.correlationId)}\``)] : []),
];

function sections(mrkdwn: string): Piece[] {
  if (mrkdwn.trim() === '') return [];
  return splitMessage(mrkdwn, SECTION_LIMIT).map((chunk) => ({
    block: { type: 'section', text: { type: 'mrkdwn', text: chunk } },
    text: chunk,
  }));
}

function header(title: string): Piece {
  const fallback = `*${escapeMrkdwn(title)}*`;
  if (title.length > HEADER_LIMIT) return sections(fallback)[0] ?? context(fallback);
  // The block is plain text; the notification text is mrkdwn, where an unescaped `<!channel>` would notify.
  return { block: { type: 'header', text: { type: 'plain_text', text: title, emoji: true } }, text: fallback };
}

function context(mrkdwn: string): Piece {
  const text = mrkdwn.length > 2000 ? `${mrkdwn.slice(0, 1999)}…` : mrkdwn;
  return { block: { type: 'context', elements: [{ type: 'mrkdwn', text }] }, text };
}

const divider = (): Piece => ({ block: { type: 'divider' }, text: '' });

const prepend = (piece: Piece, message: SlackMessage): SlackMessage => ({
  text: `${piece.text}\n${message.text}`.slice(0, MESSAGE_TEXT_LIMIT),
  blocks: [piece.block, ...message.blocks].slice(0, MAX_BLOCKS),
});
