import { assertNever } from '../domain/result.ts';
import type { Reply, TableReply } from './reply.ts';

/** A reply as plain markdown: the common ground of Discord, Slack (after mrkdwn conversion) and the playground. */
export function renderMarkdown(reply: Reply): string {
  switch (reply.kind) {
    case 'text':
      return [reply.title ? `**${reply.title}**` : '', reply.text, reply.footer ? `-# ${reply.footer}` : '']
        .filter(Boolean)
        .join('\n');
    case 'table':
      return [`**${reply.title}**`, tableAsCodeBlock(reply), reply.footer ?? ''].filter(Boolean).join('\n');
    case 'error':
      return [
        `⚠️ ${reply.message}`,
        reply.hint ?? '',
        reply.correlationId ? `Reference: \`${reply.correlationId}\`` : '',
      ]
        .filter(Boolean)
        .join('\n');
    case 'composite':
      return reply.parts.map(renderMarkdown).join('\n\n');
    default:
      return assertNever(reply, 'reply');
  }
}

/** A table in a monospace code block, columns padded to their widest cell. */
export function tableAsCodeBlock(table: Pick<TableReply, 'columns' | 'rows'>): string {
  const widths = table.columns.map((c, i) => Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return ['```', line(table.columns), line(widths.map((w) => '-'.repeat(w))), ...table.rows.map(line), '```'].join(
    '\n',
  );
}

/**
 * Splits text into chunks of at most `limit` characters, preferring paragraph, then line, then word breaks,
 * and keeping code fences balanced across chunks.
 */
export function splitMessage(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  let reopenFence = '';
  while (rest.length > 0) {
    const room = limit - reopenFence.length - 4; // space to close a fence left open
    let piece = rest.length <= room ? rest : rest.slice(0, cut(rest, room));
    rest = rest.slice(piece.length).replace(/^\n/, '');
    piece = reopenFence + piece;
    const open = (piece.match(/```/g) ?? []).length % 2 === 1;
    if (open && rest.length > 0) {
      const fence = piece.slice(piece.lastIndexOf('```')).split('\n')[0] ?? '```';
      chunks.push(`${piece}\n\`\`\``);
      reopenFence = `${fence}\n`;
    } else {
      chunks.push(piece);
      reopenFence = '';
    }
  }
  return chunks;
}

function cut(text: string, room: number): number {
  const window = text.slice(0, room);
  for (const sep of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(sep);
    if (at > room / 2) return at + sep.length;
  }
  return room;
}
