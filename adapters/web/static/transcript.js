// The transcript: what the user sent, answer cards that progress updates replace, notifications and toasts.
import { el, renderReply, withCode } from './render.js';

/** 24-hour UTC, as every time the bot writes ("ETA: 2026-12-04 23:45 UTC"); the full instant on hover. */
export function utcTime(at) {
  const date = new Date(at);
  const node = el('time', 'at', Number.isNaN(date.getTime()) ? '' : `${date.toISOString().slice(11, 16)} UTC`);
  if (!Number.isNaN(date.getTime())) {
    node.dateTime = date.toISOString();
    node.title = `${date.toISOString().replace('T', ' ').slice(0, 19)} UTC`;
  }
  return node;
}

export class Transcript {
  /** @param {HTMLElement} root @param {HTMLElement} toasts */
  constructor(root, toasts) {
    this.root = root;
    this.toasts = toasts;
  }

  scrollDown() {
    this.root.scrollTop = this.root.scrollHeight;
  }

  entry(kind, who) {
    const node = el('article', `entry ${kind}`);
    if (who) node.append(el('div', 'who', who));
    this.root.append(node);
    this.scrollDown();
    return node;
  }

  /** What the user typed, with the names of attached files. */
  mine(who, command, text, fileNames = [], kind = 'me') {
    const line = el('div', 'body');
    if (command) line.append(el('code', 'cmd', `/${command}`), ' ');
    line.append(text);
    for (const name of fileNames) line.append(el('span', 'attachment', `+ ${name}`));
    this.entry(kind, who).append(line);
  }

  /** An answer card waiting for its reply; `onCancel` runs when the user presses Cancel. */
  answer(onCancel) {
    const card = this.entry('bot', 'Sonicord');
    const body = el('div', 'body');
    body.append(el('div', 'typing', '…'));
    const cancel = el('button', 'cancel', 'Cancel');
    cancel.type = 'button';
    cancel.hidden = true;
    cancel.addEventListener('click', onCancel);
    card.append(body, cancel);
    return { card, body, cancel };
  }

  progress(answer, reply, cancellable) {
    answer.body.replaceChildren(renderReply(reply));
    answer.card.classList.add('streaming');
    answer.cancel.hidden = !cancellable;
    this.scrollDown();
  }

  /** The final reply; a thread box under it continues the conversation when the answer has a thread key. */
  settle(answer, reply, threadKey, onThreadReply) {
    answer.body.replaceChildren(renderReply(reply));
    answer.card.classList.remove('streaming');
    answer.card.classList.add('done');
    answer.cancel.remove();
    // Errors end the exchange; answers can be followed up (an /ask conversation, a question about a result).
    if (threadKey && onThreadReply && reply.kind !== 'error')
      answer.card.append(this.#threadBox((text) => onThreadReply(text, threadKey)));
    // Charts load after the layout: keep the newest answer in view when they do.
    for (const img of answer.body.querySelectorAll('img'))
      img.addEventListener('load', () => this.scrollDown(), { once: true });
    this.scrollDown();
  }

  notification(reply, at) {
    const card = this.entry('notification', 'Notification');
    const body = el('div', 'body');
    body.append(renderReply(reply));
    card.append(body, utcTime(at));
    this.toast(reply.title ?? reply.text ?? reply.message ?? 'New notification', 'info');
  }

  toast(text, level) {
    const node = withCode('div', `toast ${level}`, String(text).slice(0, 160));
    this.toasts.append(node);
    // A burst of notifications shows the latest three; the transcript keeps them all.
    while (this.toasts.children.length > 3) this.toasts.firstChild.remove();
    setTimeout(() => node.remove(), 5000);
  }

  #threadBox(onSend) {
    const form = el('form', 'thread');
    const input = el('input');
    input.placeholder = 'Reply in this thread…';
    input.setAttribute('aria-label', 'Reply in this thread');
    form.append(input);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      onSend(text);
      input.value = '';
    });
    return form;
  }
}
