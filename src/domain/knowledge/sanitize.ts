/**
 * Text that goes into the knowledge base is data a model will read, so what a reader of the document cannot see
 * does not go in: HTML comments (a classic place for "hidden instructions"), zero-width and bidi control
 * characters, other control characters. Returns the visible text and how much hidden content was dropped.
 */
export function visibleText(text: string): { readonly text: string; readonly hiddenDropped: number } {
  let hiddenDropped = 0;
  const withoutComments = text.replace(/<!--[\s\S]*?(?:-->|$)/g, (comment) => {
    hiddenDropped += comment.length;
    return '';
  });
  let cleaned = '';
  for (const c of withoutComments.replace(/\r\n?/g, '\n')) {
    if (isHidden(c.codePointAt(0) ?? 0)) hiddenDropped += c.length;
    else cleaned += c;
  }
  return { text: cleaned.replace(/\n{3,}/g, '\n\n').trim(), hiddenDropped };
}

/** The name a document is kept under: the file's base name, lower case, safe characters only. */
export function documentName(fileName: string): string {
  const base = fileName.split(/[\\/]/).at(-1) ?? fileName;
  return base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 100);
}

/** The document's title: its first level-1 heading, else the name without its extension. */
export function documentTitle(name: string, markdown: string): string {
  const heading = /^#\s+(.+)$/m.exec(markdown)?.[1]?.trim();
  return heading && heading !== '' ? heading : name.replace(/\.[a-z0-9]+$/, '');
}

/** Zero-width, bidi overrides and isolates, BOM, and C0/C1 controls other than tab and newline. */
function isHidden(code: number): boolean {
  if (code === 0x09 || code === 0x0a) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}
