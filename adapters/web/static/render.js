// Renders the server's Reply JSON (text, table, error, composite) into DOM nodes. Everything the bot says is
// escaped first; only the small markdown subset below becomes markup.

/** @param {string} tag @param {string} [className] @param {string} [text] */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Text with `inline code` as <code> elements, built as nodes (never HTML): hints and short messages.
 * @param {string} tag @param {string} className @param {string} text
 */
export function withCode(tag, className, text) {
  const node = el(tag, className);
  const parts = text.split('`');
  // An odd number of parts means every backtick is paired; otherwise the text is shown as it is.
  if (parts.length % 2 === 0) {
    node.textContent = text;
    return node;
  }
  parts.forEach((part, i) => {
    if (i % 2 === 1 && part !== '') node.append(el('code', 'inline-code', part));
    else if (part !== '') node.append(part);
  });
  return node;
}

const escapeHtml = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** Markdown-ish: code blocks, inline code, bold, italics, links (http/https only), bullet lists, line breaks. */
export function markdown(source) {
  const blocks = source.split(/```(?:[a-z]*\n)?/);
  let html = '';
  blocks.forEach((block, i) => {
    if (i % 2 === 1) {
      html += `<pre><code>${escapeHtml(block.replace(/\n$/, ''))}</code></pre>`;
      return;
    }
    html += inlineBlocks(block);
  });
  const node = el('div', 'md');
  node.innerHTML = html;
  return node;
}

function inlineBlocks(text) {
  const lines = text.split('\n');
  let html = '';
  let inList = false;
  for (const line of lines) {
    const bullet = /^\s*(?:[-*•])\s+(.*)$/.exec(line);
    if (bullet) {
      if (!inList) html += '<ul>';
      inList = true;
      html += `<li>${inline(bullet[1])}</li>`;
      continue;
    }
    if (inList) html += '</ul>';
    inList = false;
    html += line.trim() === '' ? '<div class="gap"></div>' : `<p>${inline(line)}</p>`;
  }
  if (inList) html += '</ul>';
  return html;
}

function inline(text) {
  const parts = escapeHtml(text).split(/(`[^`]+`)/);
  return parts
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return `<code>${part.slice(1, -1)}</code>`;
      return part
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^*\w])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
        .replace(/(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, '$1<em>$2</em>')
        .replace(
          /\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g,
          '<a href="$2" target="_blank" rel="noopener noreferrer">$1</a>',
        );
    })
    .join('');
}

const numeric = /^[-+]?[$€£]?\d[\d,.]*\s*(%|ms|s|¢|tokens)?$/;

function renderTable(reply) {
  const wrap = el('div', 'reply reply-table');
  if (reply.title) wrap.append(el('h3', '', reply.title));
  const scroller = el('div', 'table-scroll');
  const table = el('table');
  const head = el('thead');
  const headRow = el('tr');
  for (const column of reply.columns) headRow.append(el('th', '', column));
  head.append(headRow);
  const body = el('tbody');
  for (const row of reply.rows) {
    const tr = el('tr');
    for (const cell of row) tr.append(el('td', numeric.test(cell.trim()) ? 'num' : '', cell));
    body.append(tr);
  }
  table.append(head, body);
  scroller.append(table);
  wrap.append(scroller);
  if (reply.footer) wrap.append(el('div', 'footer', reply.footer));
  return wrap;
}

function renderText(reply) {
  const wrap = el('div', 'reply reply-text');
  if (reply.title) wrap.append(el('h3', '', reply.title));
  wrap.append(markdown(reply.text));
  if (reply.footer) wrap.append(el('div', 'footer', reply.footer));
  if (reply.actions?.length) {
    // app.js sends a clicked button's key back as an `action` message.
    const row = el('div', 'actions');
    for (const action of reply.actions) {
      const button = el('button', `action ${action.style ?? 'secondary'}`, action.label);
      button.type = 'button';
      button.dataset.actionKey = action.key;
      row.append(button);
    }
    wrap.append(row);
  }
  return wrap;
}

function renderError(reply) {
  const wrap = el('div', 'reply reply-error');
  const head = el('div', 'error-head');
  head.append(el('span', 'error-icon', '!'), markdown(reply.message));
  wrap.append(head);
  if (reply.hint) for (const line of reply.hint.split('\n')) wrap.append(withCode('div', 'hint', line));
  const meta = el('div', 'footer');
  meta.append(el('code', 'code', reply.code));
  if (reply.correlationId) meta.append(' · reference ', el('code', 'ref', reply.correlationId));
  wrap.append(meta);
  return wrap;
}

function base64Blob(file) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: file.contentType });
}

const sizeLabel = (bytes) =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;

function renderFiles(files) {
  const wrap = el('div', 'files');
  for (const file of files) {
    const blob = base64Blob(file);
    const url = URL.createObjectURL(blob);
    if (file.contentType.startsWith('image/')) {
      const figure = el('figure', 'image');
      const img = el('img');
      img.src = url;
      img.alt = file.description ?? file.name;
      figure.append(img);
      if (file.description) figure.append(el('figcaption', '', file.description));
      wrap.append(figure);
    }
    const link = el('a', 'download', `↓ ${file.name}`);
    link.href = url;
    link.download = file.name;
    link.append(el('span', 'size', sizeLabel(blob.size)));
    wrap.append(link);
  }
  return wrap;
}

/** One reply as a DOM node. */
export function renderReply(reply) {
  switch (reply.kind) {
    case 'text':
      return renderText(reply);
    case 'table':
      return renderTable(reply);
    case 'error':
      return renderError(reply);
    case 'composite': {
      const wrap = el('div', 'reply reply-composite');
      for (const part of reply.parts) wrap.append(renderReply(part));
      if (reply.files.length > 0) wrap.append(renderFiles(reply.files));
      return wrap;
    }
    default:
      return el('div', 'reply reply-error', `Unknown reply kind: ${String(reply.kind)}`);
  }
}
