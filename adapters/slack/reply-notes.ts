import type { WebClient } from '@slack/web-api';
import type { OutFile, Reply } from '../../src/chat/reply.ts';
import type { SlackMessage } from './blocks.ts';
import { escapeMrkdwn } from './mrkdwn.ts';

/** Small context lines the Slack replies add (files that could not be shared, notices), and file uploads. */
export const noteMessage = (text: string): SlackMessage => ({
  text,
  blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }],
});

export function filesNote(reply: Reply): SlackMessage[] {
  const files = reply.kind === 'composite' ? (reply.files ?? []) : [];
  if (files.length === 0) return [];
  const text = `Files (${files.map((f) => escapeMrkdwn(f.name)).join(', ')}) are only shared in channels where I am a member: invite me with \`/invite\`.`;
  return [{ text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] }];
}

export async function uploadFiles(
  client: WebClient,
  channel: string,
  threadTs: string | undefined,
  files: readonly OutFile[] | undefined,
): Promise<void> {
  if (!files || files.length === 0) return;
  await client.files.uploadV2({
    channel_id: channel,
    ...(threadTs ? { thread_ts: threadTs } : {}),
    file_uploads: files.map((f) => ({
      file: Buffer.from(f.data),
      filename: f.name,
      title: f.description ?? f.name,
      ...(f.contentType.startsWith('image/') && f.description ? { alt_text: f.description } : {}),
    })),
  });
}
