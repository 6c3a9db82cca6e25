import type { UserId } from '../domain/ids.ts';

/**
 * Who said what, when several people share one model session. Discord hands us one audio stream per user, but
 * the model hears them mixed (Nova 2 Sonic is one conversation with one user), so it cannot tell them apart by
 * itself ("multi-human turns collapse into one mis-attributed transcript", field-facts-2026-12). Two things:
 *
 * - The floor: the speaker loudest in the paced frames holds it until they have been quiet `gapMs`; another
 *   speaker talking over them does not take it. When it changes hands the new holder's name is announced to the
 *   model just before their audio (`frame` returns it), so the model hears "[Bob is speaking]" then Bob.
 * - The turn: when the model's transcript of a user turn is final, it is attributed to the speaker heard most
 *   since the previous one (`turnDone`), and history and transcripts say "Bob: …".
 */
export class SpeakerTurns {
  readonly #nameOf: (speaker: UserId) => string | undefined;
  readonly #gapMs: number;
  readonly #voicedMs = new Map<UserId, number>();
  #floor: UserId | undefined;
  #floorVoicedAt = Number.NEGATIVE_INFINITY;

  constructor(nameOf: (speaker: UserId) => string | undefined, gapMs = 250) {
    this.#nameOf = nameOf;
    this.#gapMs = gapMs;
  }

  /**
   * A paced frame goes out, `speaker` the loudest voice in it (undefined: nobody spoke). Returns the name to
   * announce before the frame when the floor changes hands.
   */
  frame(speaker: UserId | undefined, now: number, frameMs: number): string | undefined {
    if (speaker === undefined) return undefined;
    this.#voicedMs.set(speaker, (this.#voicedMs.get(speaker) ?? 0) + frameMs);
    if (speaker === this.#floor) {
      this.#floorVoicedAt = now;
      return undefined;
    }
    // Someone holds the floor and is still talking: an interjection does not take it.
    if (this.#floor !== undefined && now - this.#floorVoicedAt < this.#gapMs) return undefined;
    this.#floor = speaker;
    this.#floorVoicedAt = now;
    return this.nameOf(speaker);
  }

  /** A user turn is final: the name of who said it (the speaker heard most since the last turn), if known. */
  turnDone(): string | undefined {
    let who = this.#floor;
    let most = 0;
    for (const [speaker, ms] of this.#voicedMs) {
      if (ms > most) {
        most = ms;
        who = speaker;
      }
    }
    this.#voicedMs.clear();
    return who === undefined ? undefined : this.nameOf(who);
  }

  /** A new model session: it has not heard who holds the floor, so the next speaker is announced again. */
  newSession(): void {
    this.#floor = undefined;
  }

  /** The speaker's display name, made safe to put in a prompt and a chat line (no brackets, colons, newlines). */
  nameOf(speaker: UserId): string | undefined {
    return cleanName(this.#nameOf(speaker));
  }
}

const MAX_NAME = 32;

export function cleanName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const clean = name
    .normalize('NFKC')
    // Control and format characters, and what would read as a label or a tag of our own.
    .replace(/[\p{Cc}\p{Cf}[\]():<>@#*_`|\\]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return undefined;
  return clean.length > MAX_NAME ? clean.slice(0, MAX_NAME).trimEnd() : clean;
}
