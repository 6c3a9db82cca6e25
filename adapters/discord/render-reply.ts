import type { APIEmbed } from 'discord.js';
import { splitMessage, tableAsCodeBlock } from '../../src/chat/render-markdown.ts';
import type { ErrorReply, OutFile, Reply, TableReply, TextReply } from '../../src/chat/reply.ts';
import { assertNever } from '../../src/domain/result.ts';
import { clip } from './command-builders.ts';
import type { DiscordPayload } from './shapes.ts';

/** Discord's message limits (platforms.md "Message size"). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFooter: 2048,
  embedsPerMessage: 10,
  embedCharsPerMessage: 6000,
  filesPerMessage: 10,
} as const;

export const COLORS = { text: 0x5865f2, error: 0xed4245 } as const;

/**
 * A reply as one or more Discord messages: the first replaces the deferred reply, the rest are follow-ups.
 * Plain text goes in `content` (split at 2000); titled text, tables and errors become embeds, packed at most
 * 10 and 6000 characters per message; files ride on the last message, PNGs shown as embed images.
 */
export function renderReply(reply: Reply): DiscordPayload[] {
  switch (reply.kind) {
    case 'text':
      if (reply.title === undefined && reply.footer === undefined) {
        return splitMessage(reply.text.trim() || '_(empty answer)_', LIMITS.content).map((content) => ({ content }));
      }
      return packEmbeds(textEmbeds(reply));
    case 'table':
      return packEmbeds(tableEmbeds(reply));
    case 'error':
      return [{ embeds: [errorEmbed(reply)] }];
    case 'composite': {
      const embeds = reply.parts.flatMap((part) => partEmbeds(part));
      return attachFiles(packEmbeds(embeds), reply.files ?? []);
    }
    default:
      return assertNever(reply, 'reply');
  }
}

/** One message for an intermediate state: the latest part of what the reply would render, without files. */
export function renderProgress(reply: Reply): DiscordPayload {
  const payloads = renderReply(reply);
  const last = payloads[payloads.length - 1] ?? { content: '…' };
  const { files: _files, ...rest } = last;
  return rest;
}

function partEmbeds(part: TextReply | TableReply | ErrorReply): APIEmbed[] {
  if (part.kind === 'text') return textEmbeds(part);
  if (part.kind === 'table') return tableEmbeds(part);
  return [errorEmbed(part)];
}

function textEmbeds(reply: TextReply): APIEmbed[] {
  return framed(splitMessage(reply.text.trim() || '_(empty answer)_', LIMITS.embedDescription), reply);
}

function tableEmbeds(reply: TableReply): APIEmbed[] {
  // splitMessage keeps the code fence balanced, so every chunk stays monospace.
  return framed(splitMessage(tableAsCodeBlock(reply), LIMITS.embedDescription), reply);
}

/** Description chunks as embeds: the title on the first, the footer on the last. */
function framed(chunks: string[], frame: { readonly title?: string; readonly footer?: string }): APIEmbed[] {
  return chunks.map((description, i) => ({
    color: COLORS.text,
    description,
    ...(i === 0 && frame.title ? { title: clip(frame.title, LIMITS.embedTitle) } : {}),
    ...(i === chunks.length - 1 && frame.footer ? { footer: { text: clip(frame.footer, LIMITS.embedFooter) } } : {}),
  }));
}

export function errorEmbed(reply: ErrorReply): APIEmbed {
  const lines = [`**⚠️ ${reply.message}**`];
  if (reply.hint) lines.push(reply.hint);
  if (reply.correlationId) lines.push(`Reference: \`${reply.correlationId}\``);
  return { color: COLORS.error, description: clip(lines.join('\n'), LIMITS.embedDescription) };
}

const embedChars = (e: APIEmbed): number =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0);

function packEmbeds(embeds: readonly APIEmbed[]): DiscordPayload[] {
  const messages: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let chars = 0;
  for (const embed of embeds) {
    const size = embedChars(embed);
    if (
      current.length > 0 &&
      (current.length >= LIMITS.embedsPerMessage || chars + size > LIMITS.embedCharsPerMessage)
    ) {
      messages.push(current);
      current = [];
      chars = 0;
    }
    current.push(embed);
    chars += size;
  }
  if (current.length > 0) messages.push(current);
  return messages.length > 0 ? messages.map((m) => ({ embeds: m })) : [{ content: '_(empty answer)_' }];
}

function attachFiles(payloads: DiscordPayload[], files: readonly OutFile[]): DiscordPayload[] {
  if (files.length === 0) return payloads;
  const out = payloads.slice(0, -1);
  let last: DiscordPayload = { ...(payloads[payloads.length - 1] ?? {}) };
  for (let i = 0; i < files.length; i += LIMITS.filesPerMessage) {
    const batch = files.slice(i, i + LIMITS.filesPerMessage).map(toAttachment);
    const embeds = [...(last.embeds ?? [])];
    for (const file of batch) {
      if (file.name.toLowerCase().endsWith('.png') && embeds.length < LIMITS.embedsPerMessage) {
        embeds.push({
          image: { url: `attachment://${file.name}` },
          ...(file.description ? { title: file.description } : {}),
        });
      }
    }
    out.push({ ...last, ...(embeds.length > 0 ? { embeds } : {}), files: batch });
    last = {};
  }
  return out;
}

function toAttachment(file: OutFile): { attachment: Buffer; name: string; description?: string } {
  // attachment:// references only work with plain names.
  const name = file.name.replace(/[^\w.-]+/g, '_') || 'file';
  const attachment = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  return file.description ? { attachment, name, description: clip(file.description, 1024) } : { attachment, name };
}
