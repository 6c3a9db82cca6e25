// @ts-check
/**
 * The grammar of a command's text arguments, shared byte for byte by the server (Slack slash commands, the
 * playground's submitted text) and the playground's command box in the browser, which loads this same file from
 * `/lib/command-line.js`. It is plain JavaScript with JSDoc types (tsc checks it) and imports nothing, so the
 * browser runs it as it is.
 *
 * Grammar (one left-to-right pass, no regular expressions, no backtracking: linear in the input's length):
 *   line   := space* (token (space+ token)*)? space*
 *   token  := [name ':'] body          name = a letter, then up to 63 letters, digits, '-' or '_'
 *   body   := quoted rest | rest       a quote opens only at the start of the body; elsewhere it is a character
 *   quoted := '"' (char | '\"' | '\\')* '"'   or the same between “ and ” (what phones and Macs type)
 * A `name:` followed by `//` is text (a URL), not an option. An unclosed quote runs to the end of the line and is
 * reported with its position.
 */

/** @typedef {{ start: number, end: number, name?: string, valueStart: number, value: string, quoted: boolean }} Token */
/** @typedef {{ tokens: Token[], unclosedQuoteAt: number }} Tokenized */
/** @typedef {{ name: string, type: string }} OptionShape */
/** @typedef {{ code: string, message: string, hint: string }} ArgsError */
/** @typedef {{ ok: true, values: Record<string, string> } | { ok: false, error: ArgsError }} ArgsResult */

const MAX_NAME = 64;
const QUOTE = 34; // "
const BACKSLASH = 92;
const COLON = 58;
const SLASH = 47;
const OPEN_CURLY = 0x201c; // “
const CLOSE_CURLY = 0x201d; // ”

/** @param {number} c */
const isSpace = (c) => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a);
/** @param {number} c */
const isLetter = (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** @param {number} c */
const isNameChar = (c) => isLetter(c) || (c >= 48 && c <= 57) || c === 45 || c === 95;

/**
 * Splits a line into tokens in one pass.
 * @param {string} text
 * @returns {Tokenized}
 */
export function tokenize(text) {
  /** @type {Token[]} */
  const tokens = [];
  let unclosedQuoteAt = -1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    // An option name: letters first, then name characters, then a colon; anything else is plain text.
    let name;
    let j = i;
    if (isLetter(text.charCodeAt(j))) {
      while (j < n && j - i < MAX_NAME && isNameChar(text.charCodeAt(j))) j++;
      if (
        j < n &&
        text.charCodeAt(j) === COLON &&
        !(text.charCodeAt(j + 1) === SLASH && text.charCodeAt(j + 2) === SLASH)
      ) {
        name = text.slice(i, j);
        i = j + 1;
      }
    }
    const valueStart = i;
    let value = '';
    let quoted = false;
    const open = i < n ? text.charCodeAt(i) : -1;
    if (open === QUOTE || open === OPEN_CURLY) {
      quoted = true;
      const close = open === QUOTE ? QUOTE : CLOSE_CURLY;
      let k = i + 1;
      let chunk = k;
      let closed = false;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === BACKSLASH && k + 1 < n) {
          const next = text.charCodeAt(k + 1);
          if (next === close || next === BACKSLASH) {
            value += text.slice(chunk, k);
            chunk = k + 1;
            k += 2;
            continue;
          }
        }
        if (c === close) {
          closed = true;
          break;
        }
        k++;
      }
      value += text.slice(chunk, k);
      if (!closed) {
        if (unclosedQuoteAt < 0) unclosedQuoteAt = i;
        i = n;
      } else {
        i = k + 1;
      }
    }
    const restStart = i;
    while (i < n && !isSpace(text.charCodeAt(i))) i++;
    value += text.slice(restStart, i);
    /** @type {Token} */
    const token = { start, end: i, valueStart, value, quoted };
    if (name !== undefined) token.name = name;
    tokens.push(token);
  }
  return { tokens, unclosedQuoteAt };
}

/**
 * Reads `name:value` pairs for the given options; loose words fill the first text option not given (so
 * `/ask why is the sky blue` sets `prompt`). Unknown names, repeats and unclosed quotes are errors that say
 * what to write instead.
 * @param {string} command the command's name, for messages
 * @param {readonly OptionShape[]} options
 * @param {string} text
 * @param {Tokenized} [tokenized] `tokenize(text)`, when the caller has it already (the browser box)
 * @returns {ArgsResult}
 */
export function parseArgs(command, options, text, tokenized = tokenize(text)) {
  const { tokens, unclosedQuoteAt } = tokenized;
  if (unclosedQuoteAt >= 0) return { ok: false, error: unclosedQuoteError(command, text, unclosedQuoteAt) };
  /** @type {Record<string, string>} */
  const values = {};
  /** @type {string[]} */
  const loose = [];
  const names = options.map((o) => o.name);
  for (const token of tokens) {
    if (token.name === undefined) {
      loose.push(token.value);
      continue;
    }
    if (!names.includes(token.name)) return { ok: false, error: unknownOptionError(command, token.name, names) };
    if (Object.hasOwn(values, token.name)) {
      return {
        ok: false,
        error: {
          code: 'input.repeated_option',
          message: `\`${token.name}\` is given twice.`,
          hint: 'Give each option once.',
        },
      };
    }
    values[token.name] = token.value;
  }
  if (loose.length > 0) {
    const target = options.find((o) => o.type === 'string' && !Object.hasOwn(values, o.name));
    if (!target) {
      return {
        ok: false,
        error: {
          code: 'input.unexpected_text',
          message: `I don't know what to do with “${clip(loose.join(' '), 60)}”.`,
          hint: 'Write every value as name:value.',
        },
      };
    }
    values[target.name] = loose.join(' ');
  }
  return { ok: true, values };
}

/**
 * The error for a name that is not an option, with the closest known one when there is one.
 * @param {string} command
 * @param {string} name
 * @param {readonly string[]} names
 * @returns {ArgsError}
 */
export function unknownOptionError(command, name, names) {
  const closest = closestName(name, names);
  const list = names.length > 0 ? `Options: ${names.join(', ')}.` : `/${command} takes no options.`;
  return {
    code: 'input.unknown_option',
    message: `/${command} has no option \`${clip(name, 40)}\`${closest ? ` (did you mean \`${closest}\`?)` : ''}.`,
    hint: `${list} To write a colon in text, put the text in quotes: "like:this".`,
  };
}

/**
 * @param {string} command
 * @param {string} text
 * @param {number} at the opening quote's index
 * @returns {ArgsError}
 */
export function unclosedQuoteError(command, text, at) {
  return {
    code: 'input.unclosed_quote',
    message: `The quote at character ${at + 1} after /${command} (“${clip(text.slice(at + 1), 30)}”) is never closed.`,
    hint: 'End the value with a closing " (write \\" for a quote inside it).',
  };
}

/**
 * The known name closest to a misspelled one: a small edit distance, a prefix or an abbreviation (qty → quantity).
 * @param {string} name
 * @param {readonly string[]} names
 * @returns {string | undefined}
 */
export function closestName(name, names) {
  const wanted = name.toLowerCase().slice(0, MAX_NAME);
  let best;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of names) {
    const known = candidate.toLowerCase();
    const distance = editDistance(wanted, known);
    const allowed = wanted.length <= 3 ? 1 : wanted.length <= 6 ? 2 : 3;
    let score = distance <= allowed ? distance : Number.POSITIVE_INFINITY;
    if (wanted.length >= 2 && known.startsWith(wanted)) score = Math.min(score, 1.5);
    else if (wanted.length >= 2 && wanted[0] === known[0] && isSubsequence(wanted, known)) score = Math.min(score, 2.5);
    if (score < bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  return best;
}

/**
 * Quotes a value for insertion into a command line when it needs it (spaces, a leading quote, nothing at all).
 * @param {string} value
 * @returns {string}
 */
export function quoteValue(value) {
  let needs = value.length === 0;
  for (let i = 0; i < value.length && !needs; i++) {
    const c = value.charCodeAt(i);
    needs = isSpace(c) || (i === 0 && (c === QUOTE || c === OPEN_CURLY));
  }
  if (!needs) return value;
  let out = '"';
  for (const ch of value) out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${out}"`;
}

/**
 * @param {string} a
 * @param {string} b
 */
function editDistance(a, b) {
  /** @type {number[]} */
  let previous = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    /** @type {number[]} */
    const current = [i];
    for (let k = 1; k <= b.length; k++) {
      const cost = a[i - 1] === b[k - 1] ? 0 : 1;
      current[k] = Math.min((previous[k] ?? 0) + 1, (current[k - 1] ?? 0) + 1, (previous[k - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * @param {string} short
 * @param {string} long
 */
function isSubsequence(short, long) {
  let k = 0;
  for (let i = 0; i < long.length && k < short.length; i++) if (long[i] === short[k]) k++;
  return k === short.length;
}

/**
 * @param {string} text
 * @param {number} max
 */
const clip = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
