import type { Platform } from '../domain/ids.ts';
import type { CommandContext } from './context.ts';
import type { OptionSpecs, OptionValues } from './options.ts';
import type { Reply } from './reply.ts';

/**
 * A slash command, written once for every surface. Adapters register it, parse the platform's input into
 * typed values, call `run` through the dispatcher and render the `Reply`.
 */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  readonly description: string;
  readonly options: O;
  /** `ephemeral`: only the invoker sees the answer (where the platform can). */
  readonly visibility: 'public' | 'ephemeral';
  /**
   * Its finished results are worth keeping (a /bench run, a long /ask answer): the dispatcher keeps them for a set
   * time, fetchable again with /result, so a result the platform refuses is never lost.
   */
  readonly keepsResult?: boolean;
  /** Only staff may run it (courier updates, restock). */
  readonly staffOnly?: boolean;
  /**
   * Where on a chat platform it can be used: in a server's channels, in a direct message with the bot, or both (the
   * default). Staff commands are server-only whatever this says (roles exist only in servers).
   */
  readonly places?: readonly ('server' | 'direct')[];
  /** Surfaces that carry it; all when absent (voice commands: discord and web). */
  readonly surfaces?: readonly Platform[];
  // A method, not a property: method parameters are bivariant, so every Command<O> fits in a Command[].
  run(ctx: CommandContext, values: OptionValues<O>): Promise<Reply>;
  /** What the buttons of its replies do (`ReplyAction.name` → action), run as the user who clicked. */
  readonly actions?: Readonly<Record<string, CommandAction>>;
}

/** A button's action: `ctx.invoker` is whoever clicked (the action checks it is theirs to answer). */
export type CommandAction = (ctx: CommandContext, arg: string) => Promise<ActionAnswer>;

/**
 * What a click answers. `message`: the reply replaces the message that carried the buttons (they go with it), for
 * everyone who sees it. `clicker`: a private answer to whoever clicked; the message and its buttons stay.
 */
export interface ActionAnswer {
  readonly to: 'message' | 'clicker';
  readonly reply: Reply;
}

export const defineCommand = <const O extends OptionSpecs>(command: Command<O>): Command<O> => command;

/**
 * Text that is not a slash command: a follow-up in an answer's thread, a direct message, a mention.
 * Handlers are tried in order; the first that returns a reply wins.
 */
export interface MessageHandler {
  readonly name: string;
  handle(ctx: CommandContext, text: string): Promise<Reply | undefined>;
}
