// The playground page: one WebSocket per tab, commands and their streamed answers, live notifications, voice.
import { CommandBox } from './command-box.js';
import { el, renderReply, withCode } from './render.js';
import { Transcript } from './transcript.js';
import { VoiceLink } from './voice.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const state = {
  socket: undefined,
  name:
    params.get('name') ?? localStorage.getItem('sonicord.name') ?? `guest-${Math.random().toString(36).slice(2, 6)}`,
  staff: params.has('staff') ? params.get('staff') === 'true' : localStorage.getItem('sonicord.staff') === 'true',
  /** Answers still waiting for their final reply, by request id. */
  pending: new Map(),
  choiceWaiters: new Map(),
  /** Replies whose button was clicked, by request id, waiting for the click's answer. */
  clicks: new Map(),
  nextId: 1,
  retryMs: 500,
  voice: undefined,
};
const newId = () => `r${state.nextId++}`;
const transcript = new Transcript($('transcript'), $('toasts'));
const nameInput = $('name');
const staffInput = $('staff');
nameInput.value = state.name;
staffInput.checked = state.staff;

function send(message) {
  if (state.socket?.readyState !== WebSocket.OPEN) {
    transcript.toast('Not connected yet; trying again…', 'warn');
    return false;
  }
  state.socket.send(JSON.stringify(message));
  return true;
}

const hello = () => send({ type: 'hello', name: state.name, staff: state.staff });

function expectAnswer(id) {
  state.pending.set(
    id,
    transcript.answer(() => send({ type: 'cancel', id })),
  );
}

function sendMessage(text, threadKey) {
  const id = newId();
  transcript.mine(state.name, undefined, text, [], threadKey ? 'me thread-msg' : 'me');
  if (send({ type: 'message', id, text, ...(threadKey ? { threadKey } : {}) })) expectAnswer(id);
}

function settle(id, reply, threadKey) {
  const answer = state.pending.get(id);
  if (!answer) return;
  state.pending.delete(id);
  transcript.settle(answer, reply, threadKey, sendMessage);
}

function onServerMessage(message) {
  switch (message.type) {
    case 'welcome':
      $('who').textContent = `${message.user}${message.staff ? ' · staff' : ''}`;
      box.setCommands(message.commands);
      break;
    case 'progress': {
      const answer = state.pending.get(message.id);
      if (answer) transcript.progress(answer, message.reply, message.cancellable);
      break;
    }
    case 'final':
      settle(message.id, message.reply, message.threadKey);
      break;
    case 'autocomplete':
      state.choiceWaiters.get(message.id)?.(message.choices);
      state.choiceWaiters.delete(message.id);
      break;
    case 'action': {
      const node = state.clicks.get(message.id);
      state.clicks.delete(message.id);
      if (!node?.isConnected) break;
      if (message.to === 'message') node.replaceWith(renderReply(message.reply));
      else {
        for (const b of node.querySelectorAll('button[data-action-key]')) b.disabled = false;
        node.after(renderReply(message.reply));
      }
      break;
    }
    case 'notification':
      transcript.notification(message.reply, message.at);
      break;
    case 'error':
      if (message.id && state.pending.has(message.id)) {
        settle(message.id, { kind: 'error', code: 'protocol', message: message.message });
      } else transcript.toast(message.message, 'warn');
      break;
  }
}

function connect() {
  const socket = new WebSocket(new URL('ws', location.href.replace(/^http/, 'ws')));
  state.socket = socket;
  setStatus('connecting');
  socket.addEventListener('open', () => {
    state.retryMs = 500;
    setStatus('online');
    hello();
  });
  socket.addEventListener('message', (e) => onServerMessage(JSON.parse(e.data)));
  socket.addEventListener('close', () => {
    setStatus('offline');
    for (const id of [...state.pending.keys()]) {
      settle(id, {
        kind: 'error',
        code: 'connection.lost',
        message: 'The connection dropped before the answer arrived.',
      });
    }
    setTimeout(connect, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 8000);
  });
}

function setStatus(status) {
  const dot = $('status');
  dot.dataset.status = status;
  dot.title = status;
}

async function upload(file) {
  const response = await fetch(`uploads?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `Upload failed (${response.status}).`);
  return body.id;
}

async function submit({ name, text, files }) {
  if (!name) return sendMessage(text);
  const id = newId();
  transcript.mine(
    state.name,
    name,
    text,
    Object.values(files).map((f) => f.name),
  );
  expectAnswer(id);
  const options = {};
  try {
    for (const [option, file] of Object.entries(files)) options[option] = { upload: await upload(file) };
  } catch (error) {
    settle(id, { kind: 'error', code: 'upload.failed', message: error.message });
    return;
  }
  if (!send({ type: 'command', id, name, text, ...(Object.keys(options).length ? { options } : {}) })) {
    settle(id, { kind: 'error', code: 'connection.lost', message: 'Not connected: send it again in a moment.' });
  }
}

const box = new CommandBox({
  form: $('composer'),
  input: $('command'),
  popup: $('suggestions'),
  hint: $('hint'),
  files: $('files'),
  onSubmit: (s) => void submit(s),
  requestChoices: (command, option, query) =>
    new Promise((resolve) => {
      const id = newId();
      state.choiceWaiters.set(id, resolve);
      if (!send({ type: 'autocomplete', id, command, option, query })) resolve([]);
      setTimeout(() => state.choiceWaiters.delete(id) && resolve([]), 5000);
    }),
});

// A reply's buttons (a question such as "Same order again?"): the server checks the key and who clicked.
$('transcript').addEventListener('click', (e) => {
  const button = e.target instanceof Element ? e.target.closest('button[data-action-key]') : null;
  const reply = button?.closest('.reply');
  if (!button || !reply || button.disabled) return;
  const id = newId();
  state.clicks.set(id, reply);
  for (const b of reply.querySelectorAll('button[data-action-key]')) b.disabled = true;
  if (!send({ type: 'action', id, key: button.dataset.actionKey })) {
    state.clicks.delete(id);
    for (const b of reply.querySelectorAll('button[data-action-key]')) b.disabled = false;
  }
});

function changeUser() {
  const name = nameInput.value.trim();
  if (!/^[A-Za-z0-9_.-]{1,32}$/.test(name)) {
    transcript.toast('A name is 1 to 32 letters, digits, dots, dashes or underscores.', 'warn');
    nameInput.value = state.name;
    return;
  }
  state.name = name;
  state.staff = staffInput.checked;
  localStorage.setItem('sonicord.name', name);
  localStorage.setItem('sonicord.staff', String(state.staff));
  hello();
}
nameInput.addEventListener('change', changeUser);
staffInput.addEventListener('change', changeUser);

$('mic').addEventListener('click', async () => {
  const button = $('mic');
  if (state.voice) {
    state.voice.stop();
    state.voice = undefined;
    return;
  }
  const lines = el('div', 'body');
  transcript.entry('voice', 'Voice').append(lines);
  state.voice = new VoiceLink({
    name: state.name,
    staff: state.staff,
    onLine: (text) => {
      lines.append(withCode('p', 'voice-line', text));
      transcript.scrollDown();
    },
    onState: (s) => {
      button.dataset.state = s;
      button.setAttribute('aria-pressed', String(s !== 'off'));
      if (s === 'off') state.voice = undefined;
    },
  });
  await state.voice.start();
});

/** A shared playground (PLAYGROUND_TOKEN set) asks for its token once; the server keeps the session in a cookie. */
async function signIn() {
  const session = await fetch('session').then((r) => r.json());
  if (!session.required || session.signedIn) return session;
  const dialog = $('signin');
  dialog.showModal();
  return new Promise((resolve) => {
    $('signin-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const response = await fetch('signin', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: $('signin-token').value }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        $('signin-error').textContent = body.error ?? `Sign-in failed (${response.status}).`;
        return;
      }
      dialog.close();
      resolve({ required: true, signedIn: true, staff: body.staff });
    });
  });
}

const session = await signIn();
if (!session.staff) {
  staffInput.checked = false;
  staffInput.disabled = true;
  state.staff = false;
  staffInput.closest('label').title = 'Staff mode needs the staff token (PLAYGROUND_STAFF_TOKEN)';
}
connect();
$('command').focus();
