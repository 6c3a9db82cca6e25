/**
 * What a command answers, independent of the platform. Adapters render each kind:
 * Discord embeds/attachments, Slack blocks/files, web JSON.
 */
export type Reply = TextReply | TableReply | ErrorReply | CompositeReply;

export interface TextReply {
  readonly kind: 'text';
  readonly title?: string;
  /** Markdown (bold, italics, code, lists, links); adapters translate to the platform's dialect. */
  readonly text: string;
  /** A small line under the text: model, latency, tokens, cost. */
  readonly footer?: string;
  /** Set when the result is kept to be fetched again: surfaces that cannot deliver it say where to get it. */
  readonly kept?: KeptRef;
  /** Buttons under the text (a question such as "Same order again?"); see src/chat/actions.ts. */
  readonly actions?: readonly ReplyAction[];
}

/**
 * A button: clicking it runs the action `name` of the command `command` (`Command.actions`) with `arg`, as the user
 * who clicked. `arg` is short and opaque (a token the command keeps); keys stay within Discord's 100-character ids.
 */
export interface ReplyAction {
  readonly command: string;
  readonly name: string;
  readonly arg: string;
  readonly label: string;
  readonly style?: 'primary' | 'secondary' | 'danger';
}

/** Where a kept result can be fetched again (`/result id:<id>`) and until when (ISO time). */
export interface KeptRef {
  readonly id: string;
  readonly until: string;
}

export interface TableReply {
  readonly kind: 'table';
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly footer?: string;
}

export interface ErrorReply {
  readonly kind: 'error';
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  /** Set for unexpected failures: the id the user can quote, found in the logs. */
  readonly correlationId?: string;
}

/** Several parts in one message (compare answers, a bench summary with its chart and CSV). */
export interface CompositeReply {
  readonly kind: 'composite';
  readonly parts: readonly (TextReply | TableReply | ErrorReply)[];
  readonly files?: readonly OutFile[];
  readonly kept?: KeptRef;
}

/** A file the bot sends back (results CSV, chart PNG). Images are shown inline where the platform can. */
export interface OutFile {
  readonly name: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly description?: string;
}

export const text = (body: string, extra: Omit<TextReply, 'kind' | 'text'> = {}): TextReply => ({
  kind: 'text',
  text: body,
  ...extra,
});

export const errorReply = (e: { code: string; message: string; hint?: string }): ErrorReply => ({
  kind: 'error',
  code: e.code,
  message: e.message,
  ...(e.hint === undefined ? {} : { hint: e.hint }),
});

/** The kept result a reply stands for, if any. */
export const keptOf = (reply: Reply): KeptRef | undefined =>
  reply.kind === 'text' || reply.kind === 'composite' ? reply.kept : undefined;
