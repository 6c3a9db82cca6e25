import type { VoiceTurn } from '../ports/voice-model.ts';

/**
 * The text side of a voice conversation: the history carried into renewed sessions, and the lines posted to the
 * channel's chat. Only FINAL transcripts count (SPECULATIVE text is a preview and may repeat or change); an
 * answer's sentences are gathered and posted as one line when the turn ends or is interrupted.
 */
export class TranscriptLines {
  readonly #maxTurns: number;
  readonly #history: VoiceTurn[] = [];
  #answer: string[] = [];

  constructor(maxTurns = 80) {
    this.#maxTurns = maxTurns;
  }

  get history(): readonly VoiceTurn[] {
    return this.#history;
  }

  /** Returns the line to post now, if any. */
  heard(role: 'user' | 'assistant', text: string, final: boolean): string | undefined {
    if (!final || !text.trim()) return undefined;
    if (role === 'assistant') {
      this.#answer.push(text.trim());
      this.#remember('assistant', text.trim());
      return undefined;
    }
    const pending = this.answerDone(false);
    this.#remember('user', text.trim());
    // A user line arriving while an answer is still gathered: post the answer first, then the user.
    return pending === undefined ? `🗣️ ${text.trim()}` : `${pending}\n🗣️ ${text.trim()}`;
  }

  /** The answer ended (or was cut off): its gathered sentences as one line. */
  answerDone(interrupted: boolean): string | undefined {
    if (this.#answer.length === 0) return undefined;
    const line = `🤖 ${this.#answer.join(' ')}${interrupted ? ' …' : ''}`;
    this.#answer = [];
    return line;
  }

  #remember(role: 'user' | 'assistant', text: string): void {
    this.#history.push({ role, text });
    if (this.#history.length > this.#maxTurns) this.#history.splice(0, this.#history.length - this.#maxTurns);
  }
}
