import { z } from 'zod';

/**
 * The playground's WebSocket protocol. Everything a browser sends is untrusted and parsed here with zod;
 * what the server sends is typed below and mirrored by static/app.js.
 */
const requestId = z.string().min(1).max(64);
/** A playground user name becomes part of a UserId (`web:alice`): keep it short and unambiguous. */
export const userName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'Use 1 to 32 letters, digits, dots, dashes or underscores.');

const uploadRef = z.object({ upload: z.string().min(1).max(64) });
/** A structured option value: text, number, switch, or a reference to an HTTP upload. */
const optionValue = z.union([z.string().max(100_000), z.number(), z.boolean(), uploadRef]);

export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), name: userName, staff: z.boolean().default(false) }),
  z.object({
    type: z.literal('command'),
    id: requestId,
    name: z.string().min(1).max(64),
    /** Free text after the command name, parsed like Slack's (`name:value`, loose words fill the first text option). */
    text: z.string().max(100_000).optional(),
    /** Structured values; they win over the same option in `text`. */
    options: z.record(z.string().max(64), optionValue).optional(),
  }),
  z.object({
    type: z.literal('message'),
    id: requestId,
    text: z.string().min(1).max(100_000),
    threadKey: z.string().max(200).optional(),
  }),
  z.object({
    type: z.literal('autocomplete'),
    id: requestId,
    command: z.string().min(1).max(64),
    option: z.string().min(1).max(64),
    query: z.string().max(200).default(''),
  }),
  z.object({ type: z.literal('cancel'), id: requestId }),
  /** A click on a reply's button: its key (`do:<command>.<name>:<arg>`), checked again on the server. */
  z.object({ type: z.literal('action'), id: requestId, key: z.string().min(1).max(200) }),
]);

export type ClientMessage = z.infer<typeof clientMessage>;
export type OptionValueMessage = z.infer<typeof optionValue>;

/** A command as the page sees it: enough to build the command box, its hints and its upload fields. */
export interface CommandInfo {
  readonly name: string;
  readonly description: string;
  readonly staffOnly: boolean;
  readonly usage: string;
  readonly options: readonly OptionInfo[];
}

export interface OptionInfo {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean' | 'attachment';
  readonly description: string;
  readonly required: boolean;
  readonly choices?: readonly { readonly name: string; readonly value: string }[];
  readonly autocomplete: boolean;
  readonly extensions?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

/** A file in a reply, inlined as base64 so the page can show images and offer downloads without a second request. */
export interface FileJson {
  readonly name: string;
  readonly contentType: string;
  readonly description?: string;
  readonly base64: string;
}

/** A reply's button: the page sends its key back in an `action` message. */
export interface ActionJson {
  readonly key: string;
  readonly label: string;
  readonly style?: 'primary' | 'secondary' | 'danger';
}

export type ReplyJson =
  | {
      readonly kind: 'text';
      readonly title?: string;
      readonly text: string;
      readonly footer?: string;
      readonly actions?: readonly ActionJson[];
    }
  | {
      readonly kind: 'table';
      readonly title: string;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly footer?: string;
    }
  | {
      readonly kind: 'error';
      readonly code: string;
      readonly message: string;
      readonly hint?: string;
      readonly correlationId?: string;
    }
  | { readonly kind: 'composite'; readonly parts: readonly ReplyJson[]; readonly files: readonly FileJson[] };

export type ServerMessage =
  | { readonly type: 'welcome'; readonly user: string; readonly staff: boolean; readonly commands: CommandInfo[] }
  | { readonly type: 'progress'; readonly id: string; readonly reply: ReplyJson; readonly cancellable: boolean }
  | { readonly type: 'final'; readonly id: string; readonly reply: ReplyJson; readonly threadKey: string }
  | { readonly type: 'autocomplete'; readonly id: string; readonly choices: readonly { name: string; value: string }[] }
  | { readonly type: 'notification'; readonly reply: ReplyJson; readonly at: string }
  /** A click's answer: `message` replaces the reply that carried the button, `clicker` is shown beside it. */
  | { readonly type: 'action'; readonly id: string; readonly to: 'message' | 'clicker'; readonly reply: ReplyJson }
  | { readonly type: 'error'; readonly message: string; readonly id?: string };

/** Turns zod's issues into one line the page can show. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
