import { ThrottledEdits } from '../chat/throttled-edits.ts';
import type { Logger } from '../ports/logger.ts';
import type { EditableMessages, VoiceChannelIo } from './channel-io.ts';

interface Turn {
  readonly lines: string[];
  answer: string | undefined;
  /** The answer is complete: the next user line opens a new message. */
  answered: boolean;
  /** The message id once posted (undefined: posting failed, the turn is not edited). */
  readonly message: Promise<string | undefined>;
  readonly edits: ThrottledEdits<string>;
  /** The text the message shows (posted or last edited). */
  shown: string;
  readonly release: () => void;
}

/**
 * The transcript of a voice conversation in the channel's chat: one message per turn (what the user said, the
 * tools that ran, the answer), edited as the turn grows, at most one edit per `editIntervalMs` and within the
 * place's edit budget; the last edit of a turn always goes. Where the surface cannot edit messages, each finished
 * part is posted as a line of its own. Never rejects: the chat is a courtesy next to the conversation.
 */
export class TurnTranscript {
  readonly #io: VoiceChannelIo;
  readonly #log: Logger;
  #turn: Turn | undefined;
  /** Final edits in flight (awaited by `settled`). */
  readonly #finals = new Set<Promise<void>>();

  constructor(io: VoiceChannelIo, log: Logger) {
    this.#io = io;
    this.#log = log;
  }

  /** A line that opens a turn or adds to it: what a user said, a tool that ran. */
  add(line: string): void {
    const messages = this.#io.messages;
    if (!messages) return void this.#post(line);
    const turn = this.#turn;
    if (!turn || turn.answered) {
      this.#open(messages, [line], undefined);
      return;
    }
    turn.lines.push(line);
    turn.edits.push(render(turn, messages.maxLength));
  }

  /** The answer so far (each call replaces the last): shown by editing the turn's message. */
  answer(line: string): void {
    const messages = this.#io.messages;
    if (!messages) return;
    const turn = this.#turn;
    // The bot speaking first (the greeting) opens a turn of its own.
    if (!turn || turn.answered) {
      this.#open(messages, [], line);
      return;
    }
    turn.answer = line;
    turn.edits.push(render(turn, messages.maxLength));
  }

  /** The answer is complete (or cut off): its last text, and the turn's final edit. */
  done(line: string | undefined): void {
    const messages = this.#io.messages;
    if (!messages) {
      if (line !== undefined) void this.#post(line);
      return;
    }
    if (line !== undefined) this.answer(line);
    const turn = this.#turn;
    if (!turn || turn.answered) return;
    turn.answered = true;
    this.#final(messages, turn);
  }

  /** Resolves once every final edit has been sent (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#finals.size > 0) await Promise.all(this.#finals);
  }

  #open(messages: EditableMessages, lines: string[], answer: string | undefined): void {
    const previous = this.#turn;
    if (previous && !previous.answered) {
      previous.answered = true;
      this.#final(messages, previous);
    }
    const budget = messages.budget?.();
    const partial = { lines, answer };
    const text = render(partial, messages.maxLength);
    const message = messages.post(text).catch((error: unknown) => {
      this.#log.warn({ err: error }, 'could not post the voice transcript');
      return undefined;
    });
    const turn: Turn = {
      ...partial,
      answered: false,
      message,
      shown: text,
      release: budget?.open() ?? (() => {}),
      edits: new ThrottledEdits(
        async (next: string) => {
          const id = await message;
          if (id === undefined || next === turn.shown) return;
          await messages.edit(id, next);
          turn.shown = next;
        },
        messages.editIntervalMs,
        (error) => this.#log.warn({ err: error }, 'could not edit the voice transcript'),
        budget,
      ),
    };
    this.#turn = turn;
  }

  /** Drops progress edits still waiting, and sends the turn's last text once the edit in flight has landed. */
  #final(messages: EditableMessages, turn: Turn): void {
    turn.edits.close();
    const text = render(turn, messages.maxLength);
    const final = (async () => {
      try {
        await turn.edits.settled();
        const id = await turn.message;
        if (id === undefined || text === turn.shown) return;
        messages.budget?.()?.spend();
        await messages.edit(id, text);
        turn.shown = text;
      } catch (error) {
        this.#log.warn({ err: error }, 'could not edit the voice transcript');
      } finally {
        turn.release();
      }
    })();
    this.#finals.add(final);
    void final.finally(() => this.#finals.delete(final));
  }

  async #post(line: string): Promise<void> {
    try {
      await this.#io.post(line);
    } catch (error) {
      this.#log.warn({ err: error }, 'voice channel post failed');
    }
  }
}

/** The turn's text; past the platform's length the oldest part gives way (the answer is what is read live). */
function render(turn: { readonly lines: readonly string[]; readonly answer: string | undefined }, max: number) {
  const text = [...turn.lines, ...(turn.answer === undefined ? [] : [turn.answer])].join('\n');
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}
