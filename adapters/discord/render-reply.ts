import type { APIEmbed } from 'discord.js';
import { splitMessage, tableAsCodeBlock } from '../../src/chat/render-markdown.ts';
import type { ErrorReply, OutFile, Reply, TableReply, TextReply } from '../../src/chat/reply.ts';
import { assertNever } from '../../src/domain/result.ts';
import { actionRow } from './action-row.ts';
import { clip } from './command-builders.ts';
import { DEFAULT_MAX_UPLOAD_BYTES, type FittedFiles, fitFiles } from './fit-files.ts';
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
export interface RenderOptions {
  /** The upload limit where this goes (bytes); files over it are compressed, split or shortened (fit-files.ts). */
  readonly maxUploadBytes?: number;
}

export function renderReply(reply: Reply, options: RenderOptions = {}): DiscordPayload[] {
  switch (reply.kind) {
    case 'text':
      if (reply.title === undefined && reply.footer === undefined) {
        const plain = splitMessage(reply.text.trim() || '_(empty answer)_', LIMITS.content).map((content) => ({
          content,
        }));
        return withButtons(plain, reply.actions);
      }
      return withButtons(packEmbeds(textEmbeds(reply)), reply.actions);
    case 'table':
      return packEmbeds(tableEmbeds(reply));
    case 'error':
      return [{ embeds: [errorEmbed(reply)] }];
    case 'composite': {
      const embeds = reply.parts.flatMap((part) => partEmbeds(part));
      const maxBytes = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
      return attachFiles(packEmbeds(embeds), fitFiles(reply.files ?? [], maxBytes), maxBytes);
    }
    default:
      return assertNever(reply, 'reply');
  }
}

/** A reply's buttons go under its last message. */
function withButtons(payloads: DiscordPayload[], actions: TextReply['actions']): DiscordPayload[] {
  const last = payloads.at(-1);
  if (!last || !actions || actions.length === 0) return payloads;
  return [...payloads.slice(0, -1), { ...last, components: [actionRow(actions)] }];
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

/** What Discord counts toward the 6000 characters of a message's embeds (image embeds' titles included). */
export const embedChars = (e: APIEmbed): number =>
  (e.title?.length ?? 0) +
  (e.description?.length ?? 0) +
  (e.footer?.text.length ?? 0) +
  (e.author?.name.length ?? 0) +
  (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

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

/**
 * Files ride on the last message, then on as many more as needed: at most 10 files and the upload limit per message.
 * Each PNG is shown as an image embed when the message still has room for one (10 embeds, 6000 characters with its
 * title); notes about files changed to fit go in the first file message's text.
 */
function attachFiles(payloads: DiscordPayload[], fitted: FittedFiles, maxBytes: number): DiscordPayload[] {
  if (fitted.files.length === 0 && fitted.notes.length === 0) return payloads;
  const out = payloads.slice(0, -1);
  let last: DiscordPayload = { ...(payloads[payloads.length - 1] ?? {}) };
  const notes = fitted.notes.join('\n');
  if (notes) last.content = clip([last.content, notes].filter(Boolean).join('\n'), LIMITS.content);
  const batches = batchFiles(fitted.files.map(toAttachment), maxBytes);
  if (batches.length === 0) return [...out, last];
  for (const batch of batches) {
    const embeds = [...(last.embeds ?? [])];
    for (const file of batch) {
      if (!file.name.toLowerCase().endsWith('.png') || embeds.length >= LIMITS.embedsPerMessage) continue;
      const room = LIMITS.embedCharsPerMessage - embeds.reduce((n, e) => n + embedChars(e), 0);
      const title = file.description ? clip(file.description, Math.min(LIMITS.embedTitle, room)) : '';
      embeds.push({ image: { url: `attachment://${file.name}` }, ...(title && room > 1 ? { title } : {}) });
    }
    out.push({ ...last, ...(embeds.length > 0 ? { embeds } : {}), files: batch });
    last = {};
  }
  return out;
}

type Attachment = ReturnType<typeof toAttachment>;

function batchFiles(files: readonly Attachment[], maxBytes: number): Attachment[][] {
  const batches: Attachment[][] = [];
  let current: Attachment[] = [];
  let bytes = 0;
  for (const file of files) {
    const size = file.attachment.byteLength;
    if (current.length > 0 && (current.length >= LIMITS.filesPerMessage || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function toAttachment(file: OutFile): { attachment: Buffer; name: string; description?: string } {
  // attachment:// references only work with plain names.
  const name = file.name.replace(/[^\w.-]+/g, '_') || 'file';
  const attachment = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
  return file.description ? { attachment, name, description: clip(file.description, 1024) } : { attachment, name };
}
