// The command box: slash-command and option autocomplete like Discord, file fields for attachment options,
// and submission (uploads first, then the command referencing them). Arguments are read with the server's own
// grammar (/lib/command-line.js, one linear pass), so what the box suggests is what the server will read.
import { closestName, parseArgs, quoteValue, tokenize } from './lib/command-line.js';
import { el, withCode } from './render.js';

/** `/name rest…` → the command name and where its arguments start, in one pass (nothing can backtrack). */
const splitCommand = (value) => {
  let end = 1;
  while (end < value.length && !/\s/.test(value[end])) end++;
  if (end >= value.length) return undefined;
  let args = end;
  while (args < value.length && /\s/.test(value[args])) args++;
  return { name: value.slice(1, end), argsStart: args };
};

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
    const split = this.input.value.startsWith('/') ? splitCommand(this.input.value) : undefined;
    return split ? this.commands.find((c) => c.name === split.name) : undefined;
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
    const argsStart = splitCommand(value)?.argsStart ?? value.length;
    const args = value.slice(argsStart);
    const { tokens, unclosedQuoteAt } = tokenize(args);
    const last = tokens.at(-1);
    // The token being typed: the last one, unless a space (outside any quote) already ended it.
    const current = last && last.end === args.length ? last : undefined;
    const base = value.slice(0, argsStart + (current?.start ?? args.length));
    const problem = this.#problem(command, args, current, { tokens, unclosedQuoteAt });
    const names = command.options.filter((o) => o.type !== 'attachment').map((o) => o.name);
    if (current?.name !== undefined) {
      const option = command.options.find((o) => o.name === current.name);
      if (!option) {
        const closest = command.options.find((o) => o.name === closestName(current.name, names));
        const items = closest
          ? [{ label: `${closest.name}:`, detail: closest.description, enter: true, insert: `${base}${closest.name}:` }]
          : [];
        return this.#show(items, problem?.message ?? '', true);
      }
      const query = current.value;
      const hint = problem?.message ?? `${option.name}: ${option.description}${option.required ? '' : ' (optional)'}`;
      if (!option.choices && !option.autocomplete) return this.#show([], hint, Boolean(problem));
      const serial = ++this.serial;
      const choices = option.choices
        ? option.choices.filter((c) => `${c.name} ${c.value}`.toLowerCase().includes(query.toLowerCase()))
        : await this.requestChoices(command.name, option.name, query);
      if (serial !== this.serial) return;
      const items = choices.map((c) => ({
        label: c.name,
        detail: c.value,
        enter: true,
        insert: `${base}${option.name}:${quoteValue(c.value)} `,
      }));
      return this.#show(items, hint, Boolean(problem));
    }
    ++this.serial;
    const typed = current ? args.slice(current.start, current.end) : '';
    const used = new Set(tokens.map((t) => t.name).filter(Boolean));
    const items = command.options
      .filter((o) => o.type !== 'attachment' && !used.has(o.name) && o.name.startsWith(typed))
      .map((o) => ({
        label: `${o.name}:`,
        detail: o.description,
        badge: o.required ? o.type : `${o.type}, optional`,
        insert: `${base}${o.name}:`,
      }));
    this.#show(items, problem?.message ?? `${command.usage} — ${command.description}`, Boolean(problem));
  }

  /**
   * What the server would refuse in the arguments typed so far: an unknown option name, or a quote left open
   * before the token being typed (an open quote in the value being typed is just unfinished).
   */
  #problem(command, args, current, tokenized) {
    const options = command.options.filter((o) => o.type !== 'attachment').map((o) => ({ name: o.name, type: o.type }));
    if (tokenized.unclosedQuoteAt >= 0 && current && tokenized.unclosedQuoteAt >= current.start) return undefined;
    const parsed = parseArgs(command.name, options, args, tokenized);
    if (parsed.ok) return undefined;
    const { code } = parsed.error;
    return code === 'input.unknown_option' || code === 'input.unclosed_quote' ? parsed.error : undefined;
  }

  #show(items, hint, isProblem = false) {
    this.items = items;
    this.active = 0;
    this.hint.replaceChildren(...withCode('span', '', hint).childNodes);
    this.hint.classList.toggle('problem', isProblem);
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
    const split = value.startsWith('/') && value.length > 1 ? splitCommand(`${value} `) : undefined;
    this.onSubmit(
      split?.name ? { name: split.name, text: value.slice(split.argsStart), files } : { text: value, files },
    );
    this.input.value = '';
    // Forget the chosen files: the next command starts with empty file fields.
    this.files.dataset.key = 'sent';
    void this.refresh();
  }
}
