import type { VoiceTurn } from '../ports/voice-model.ts';

/**
 * The text side of a voice conversation: the history carried into renewed sessions, and the lines of the
 * channel's transcript. Only FINAL transcripts count (SPECULATIVE text is a preview and may repeat or change); an
 * answer's sentences are gathered into one line that grows until the turn ends or is interrupted.
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

  /** A final user turn; `speaker` names who said it ("Alice: …" in history and chat). Returns its line. */
  user(text: string, speaker?: string): string | undefined {
    if (!text.trim()) return undefined;
    const said = speaker ? `${speaker}: ${text.trim()}` : text.trim();
    this.#remember('user', said);
    return `🗣️ ${said}`;
  }

  /** A final sentence of the answer. Returns the answer's line so far. */
  assistant(text: string): string | undefined {
    if (!text.trim()) return undefined;
    this.#answer.push(text.trim());
    this.#remember('assistant', text.trim());
    return `🤖 ${this.#answer.join(' ')}`;
  }

  /** The answer ended (or was cut off): its gathered sentences as one line, if it said anything. */
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
