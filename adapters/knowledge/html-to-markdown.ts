import { Parser } from 'htmlparser2';

const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'ul',
  'ol',
  'table',
  'tr',
  'br',
  'blockquote',
  'pre',
  'dl',
  'dt',
  'dd',
  'figure',
  'figcaption',
]);
/** Never shown to a reader: their text does not go in (nor does a `hidden` or display:none element's). */
const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'iframe', 'object']);
const VOID = new Set([
  'br',
  'img',
  'hr',
  'input',
  'meta',
  'link',
  'area',
  'base',
  'col',
  'embed',
  'source',
  'track',
  'wbr',
]);

/**
 * HTML to the Markdown the chunker reads: h1-h6 become `#` headings (so sections keep their headings), list items
 * `- ` lines, blocks paragraphs; invisible content (scripts, styles, comments, `hidden`, `display:none`,
 * `aria-hidden`) is dropped, so text a reader cannot see never reaches a model.
 */
export function htmlToMarkdown(html: string): string {
  const out: string[] = [];
  let line = '';
  const hiddenStack: boolean[] = [];
  let hiddenDepth = 0;
  let heading = 0;
  const flush = (blank = true) => {
    const text = line.replace(/\s+/g, ' ').trim();
    if (text !== '') out.push(heading > 0 ? `${'#'.repeat(heading)} ${text}` : text);
    if (blank && out.at(-1) !== '') out.push('');
    line = '';
  };
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const hidden =
          INVISIBLE.has(name) ||
          'hidden' in attributes ||
          attributes['aria-hidden'] === 'true' ||
          /display\s*:\s*none|visibility\s*:\s*hidden/i.test(attributes.style ?? '');
        if (!VOID.has(name)) {
          hiddenStack.push(hidden);
          if (hidden) hiddenDepth++;
        }
        if (hiddenDepth > 0) return;
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level) {
          flush();
          heading = Number(level);
        } else if (name === 'li') {
          flush(false);
          line = '- ';
        } else if (BLOCK.has(name)) flush(name !== 'br');
        else if (name === 'td' || name === 'th') line += ' | ';
      },
      ontext(text) {
        if (hiddenDepth === 0) line += text;
      },
      onclosetag(name) {
        if (VOID.has(name)) return;
        const wasHidden = hiddenStack.pop() ?? false;
        if (wasHidden) {
          hiddenDepth--;
          return;
        }
        if (hiddenDepth > 0) return;
        if (/^h[1-6]$/.test(name)) {
          flush();
          heading = 0;
        } else if (name === 'li') flush(false);
        else if (BLOCK.has(name)) flush();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
