import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Command } from '../../src/chat/command.ts';
import { commandsFor } from '../../src/chat/surface.ts';
import { parseTextArgs } from '../../src/chat/text-args.ts';
import { slackFileSource } from './file-source.ts';
import { PublicSlackReply, threadKeyOf } from './reply-stream.ts';
import {
  editPacing,
  fileAccess,
  runSlackCommand,
  runSlackMessage,
  type SlackRuntime,
  slackInvoker,
  slackPlace,
} from './runtime.ts';
import { safely } from './safely.ts';

interface PostedFile {
  readonly name: string | null;
  readonly size: number;
  readonly mimetype?: string;
  readonly url_private_download?: string;
}

interface IncomingText {
  readonly team: string;
  /** The workspace the event was delivered for; `team` is the author's, another one in shared channels. */
  readonly workspace: string;
  readonly user: string;
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly text: string;
  readonly files: readonly PostedFile[];
  /** Mentions and DMs always get an answer; other thread messages only when a handler takes them. */
  readonly addressed: boolean;
}

/**
 * Mentions, direct messages and replies in threads on the bot's own messages go to the core's message handlers;
 * answers go in the thread. Nothing else in a channel is read (and channel messages arrive only when the app
 * subscribes to them: `npm run slack:manifest -- --thread-follow-ups`).
 */
export function registerMessages(app: App, rt: SlackRuntime): void {
  app.event('app_mention', async ({ event, context, client, body }) =>
    safely(rt.log, 'app_mention', async () => {
      // Retries of a delivery already being handled never get here (delivery-dedupe.ts).
      if (event.bot_id || !event.user) return;
      await onText(rt, client, {
        team: event.team ?? body.team_id,
        workspace: body.team_id,
        user: event.user,
        channel: event.channel,
        ts: event.ts,
        threadTs: event.thread_ts,
        text: stripMention(event.text, context.botUserId),
        files: event.files ?? [],
        addressed: true,
      });
    }),
  );

  app.message(async ({ message, context, client, body }) =>
    safely(rt.log, 'message', async () => {
      if (message.subtype !== undefined && message.subtype !== 'file_share') return;
      if (('bot_id' in message && message.bot_id) || !message.user) return;
      const text = message.text ?? '';
      const direct = message.channel_type === 'im';
      const inThread = message.thread_ts !== undefined && message.thread_ts !== message.ts;
      // In channels only threads on the bot's own messages (its answers) are follow-ups; elsewhere it needs a mention.
      const ownThread = inThread && 'parent_user_id' in message && message.parent_user_id === context.botUserId;
      if (!direct && !ownThread) return;
      // In channels a mention also arrives as app_mention, which answers it.
      if (!direct && context.botUserId && text.includes(`<@${context.botUserId}>`)) return;
      await onText(rt, client, {
        team: ('team' in message ? message.team : undefined) ?? body.team_id,
        workspace: body.team_id,
        user: message.user,
        channel: message.channel,
        ts: message.ts,
        threadTs: message.thread_ts,
        text: stripMention(text, context.botUserId),
        files: message.files ?? [],
        addressed: direct,
      });
    }),
  );
}

async function onText(rt: SlackRuntime, client: WebClient, msg: IncomingText): Promise<void> {
  const direct = msg.channel.startsWith('D');
  // Top-level DMs are answered at top level; everything else in the thread (a new one on a channel mention).
  const replyThread = msg.threadTs ?? (direct ? undefined : msg.ts);
  const invocationId = `${msg.channel}/${msg.ts}`;
  const reply = new PublicSlackReply({
    client,
    channel: msg.channel,
    ...(replyThread ? { threadTs: replyThread } : {}),
    invocationId,
    log: rt.log,
    ...editPacing(rt, msg.workspace),
  });
  const invocation = {
    invoker: slackInvoker(rt, msg.team, msg.user, await rt.names.of(msg.user)),
    slackUser: msg.user,
    place: slackPlace(msg.team, msg.channel, msg.threadTs ? { threadKey: threadKeyOf(msg.channel, msg.threadTs) } : {}),
    invocationId,
    reply,
  };
  const withFile = fileCommand(rt, msg);
  if (withFile) {
    await runSlackCommand(rt, withFile.command, withFile.raw, invocation);
    return;
  }
  const answered = await runSlackMessage(rt, msg.text, invocation);
  if (!answered && msg.addressed) {
    await reply.finish({
      kind: 'text',
      text: 'Ask me with `/ask`, then follow up in the thread of my answer. Type `/help` to see everything I can do.',
    });
  }
}

/**
 * A file posted with a mention such as `@bot bench mode:score` runs that command with the file: the other way
 * to give /bench a file on Slack besides its form.
 */
function fileCommand(rt: SlackRuntime, msg: IncomingText) {
  const file = msg.files.find((f) => f.url_private_download);
  if (!file?.url_private_download) return undefined;
  const [first = '', ...rest] = msg.text.trim().split(/\s+/);
  const command = commandsFor(rt.core, 'slack').find((c) => c.name === first.replace(/^\//, '').toLowerCase());
  const option = command && attachmentOption(command);
  if (!command || !option) return undefined;
  const parsed = parseTextArgs(command, rest.join(' '));
  const raw = parsed.ok ? parsed.value : {};
  const source = {
    name: file.name ?? 'file',
    size: file.size,
    url: file.url_private_download,
    ...(file.mimetype ? { mimetype: file.mimetype } : {}),
  };
  return { command, raw: { ...raw, [option]: slackFileSource(source, fileAccess(rt)) } };
}

const attachmentOption = (command: Command): string | undefined =>
  Object.entries(command.options).find(([, spec]) => spec.type === 'attachment')?.[0];

/** Drops the bot's own `<@U…>` so handlers see just the question. */
export function stripMention(text: string, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/;
  return text.replace(mention, '').replace(/\s+/g, ' ').trim();
}
