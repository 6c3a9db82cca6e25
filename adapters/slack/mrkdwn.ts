/**
 * Our replies are written in common markdown; Slack speaks "mrkdwn": `*bold*`, `_italic_`, `~strike~`,
 * `<url|label>` links, and `&`, `<`, `>` must be escaped. Code spans and fences are copied as they are
 * (only escaped), so a table or a snippet keeps its characters.
 */
export function toMrkdwn(markdown: string): string {
  return markdown
    .split(/(```[\s\S]*?(?:```|$)|`[^`\n]*`)/g)
    .map((part, i) => (i % 2 === 1 ? escapeMrkdwn(part) : convertProse(part)))
    .join('');
}

export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function convertProse(text: string): string {
  return (
    escapeMrkdwn(text)
      // Links first: their labels may hold emphasis, their URLs must not be touched by it.
      .replace(/\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)/g, (_, label: string, url: string) => `<${url}|${label}>`)
      .replace(/^#{1,6}\s+(.+)$/gm, '\uE000$1\uE000')
      // Discord's "-# small text" line has no Slack equivalent; italics read closest.
      .replace(/^-#\s+(.+)$/gm, '_$1_')
      .replace(/\*\*(.+?)\*\*/g, '\uE000$1\uE000')
      .replace(/__(.+?)__/g, '\uE000$1\uE000')
      .replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?!\w)/g, '$1_$2_')
      .replace(/\uE000/g, '*')
      .replace(/~~(.+?)~~/g, '~$1~')
  );
}
