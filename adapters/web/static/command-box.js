// The command box: slash-command and option autocomplete like Discord, file fields for attachment options,
// and submission (uploads first, then the command referencing them).
import { el } from './render.js';

const tokenAtEnd = (value) => {
  const match = /(?:[^\s"]+|"(?:[^"\\]|\\.)*"?)+$/.exec(value);
  return match && match.index + match[0].length === value.length ? match[0] : '';
};
const quote = (value) => (/[\s"]/.test(value) ? `"${value.replace(/(["\\])/g, '\\$1')}"` : value);

export class CommandBox {
  /**
   * @param {{ form: HTMLFormElement, input: HTMLInputElement, popup: HTMLElement, hint: HTMLElement,
   *   files: HTMLElement, onSubmit: (s: {name?: string, text: string, files: Record<string, File>}) => void,
   *   requestChoices: (command: string, option: string, query: string) => Promise<{name: string, value: string}[]> }} parts
   */
  constructor(parts) {
    Object.assign(this, parts);
    this.commands = [];
    this.items = [];
    this.active = 0;
    this.fileInputs = new Map();
    this.serial = 0;
    this.input.addEventListener('input', () => this.refresh());
    this.input.addEventListener('keydown', (e) => this.#key(e));
    this.input.addEventListener('blur', () => setTimeout(() => this.#close(), 150));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#submit();
    });
  }

  setCommands(commands) {
    this.commands = commands;
    void this.refresh();
  }

  #command() {
    const match = /^\/(\S+)\s/.exec(this.input.value);
    return match ? this.commands.find((c) => c.name === match[1]) : undefined;
  }

  async refresh() {
    const value = this.input.value;
    const command = this.#command();
    this.#syncFiles(command);
    if (!value.startsWith('/'))
      return this.#show([], value ? 'Plain text goes to the bot as a message; commands start with /' : '');
    if (!command) {
      const prefix = value.slice(1).split(/\s/)[0].toLowerCase();
      const items = this.commands
        .filter((c) => c.name.startsWith(prefix))
        .map((c) => ({
          label: `/${c.name}`,
          detail: c.description,
          badge: c.staffOnly ? 'staff' : '',
          enter: true,
          insert: `/${c.name} `,
        }));
      return this.#show(items, items.length ? 'Tab or Enter picks a command' : `No command starts with /${prefix}`);
    }
    const token = tokenAtEnd(value);
    const colon = token.indexOf(':');
    const option = colon > 0 ? command.options.find((o) => o.name === token.slice(0, colon)) : undefined;
    if (option) {
      const query = token.slice(colon + 1).replace(/^"/, '');
      const hint = `${option.name}: ${option.description}${option.required ? '' : ' (optional)'}`;
      if (!option.choices && !option.autocomplete) return this.#show([], hint);
      const serial = ++this.serial;
      const choices = option.choices
        ? option.choices.filter((c) => `${c.name} ${c.value}`.toLowerCase().includes(query.toLowerCase()))
        : await this.requestChoices(command.name, option.name, query);
      if (serial !== this.serial) return;
      const base = value.slice(0, value.length - token.length);
      const items = choices.map((c) => ({
        label: c.name,
        detail: c.value,
        enter: true,
        insert: `${base}${option.name}:${quote(c.value)} `,
      }));
      return this.#show(items, hint);
    }
    const used = new Set([...value.matchAll(/(?:^|\s)([\w-]+):/g)].map((m) => m[1]));
    const items = command.options
      .filter((o) => o.type !== 'attachment' && !used.has(o.name) && o.name.startsWith(token))
      .map((o) => ({
        label: `${o.name}:`,
        detail: o.description,
        badge: o.required ? o.type : `${o.type}, optional`,
        insert: `${value.slice(0, value.length - token.length)}${o.name}:`,
      }));
    this.#show(items, `${command.usage} — ${command.description}`);
  }

  #show(items, hint) {
    this.items = items;
    this.active = 0;
    this.hint.textContent = hint;
    this.popup.replaceChildren(
      ...items.map((item, i) => {
        const row = el('li', i === 0 ? 'active' : '');
        row.append(el('span', 'label', item.label), el('span', 'detail', item.detail ?? ''));
        if (item.badge) row.append(el('span', 'badge', item.badge));
        row.addEventListener('mousedown', (e) => {
          e.preventDefault();
          this.#pick(i);
        });
        return row;
      }),
    );
    this.popup.hidden = items.length === 0;
  }

  #close() {
    this.popup.hidden = true;
    this.items = [];
  }

  #pick(index) {
    const item = this.items[index];
    if (!item) return;
    this.input.value = item.insert;
    this.input.focus();
    void this.refresh();
  }

  #key(e) {
    const open = !this.popup.hidden && this.items.length > 0;
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : this.items.length - 1)) % this.items.length;
      for (const [i, row] of [...this.popup.children].entries()) row.classList.toggle('active', i === this.active);
    } else if (
      open &&
      (e.key === 'Tab' ||
        (e.key === 'Enter' && this.items[this.active]?.enter && this.items[this.active].insert !== this.input.value))
    ) {
      e.preventDefault();
      this.#pick(this.active);
    } else if (e.key === 'Escape') {
      this.#close();
    }
  }

  /** One file field per attachment option of the command being typed. */
  #syncFiles(command) {
    const wanted = command?.options.filter((o) => o.type === 'attachment') ?? [];
    const key = wanted.map((o) => `${command.name}.${o.name}`).join(',');
    if (this.files.dataset.key === key) return;
    this.files.dataset.key = key;
    this.fileInputs.clear();
    this.files.replaceChildren(
      ...wanted.map((o) => {
        const label = el('label', 'file-field');
        const input = el('input', 'file-input');
        input.type = 'file';
        input.name = o.name;
        if (o.extensions) input.accept = o.extensions.map((x) => `.${x}`).join(',');
        const caption = el('span', '', `+ Attach ${o.name}${o.required ? '' : ' (optional)'}`);
        input.addEventListener('change', () => {
          caption.textContent = input.files?.[0] ? `✓ ${input.files[0].name}` : `+ Attach ${o.name}`;
          label.classList.toggle('chosen', Boolean(input.files?.[0]));
        });
        label.title = o.description;
        label.append(input, caption);
        this.fileInputs.set(o.name, input);
        return label;
      }),
    );
    this.files.hidden = wanted.length === 0;
  }

  #submit() {
    const value = this.input.value.trim();
    if (!value) return;
    const files = {};
    for (const [name, input] of this.fileInputs) if (input.files?.[0]) files[name] = input.files[0];
    const match = /^\/(\S+)\s*([\s\S]*)$/.exec(value);
    this.onSubmit(match ? { name: match[1], text: match[2], files } : { text: value, files });
    this.input.value = '';
    // Forget the chosen files: the next command starts with empty file fields.
    this.files.dataset.key = 'sent';
    void this.refresh();
  }
}
