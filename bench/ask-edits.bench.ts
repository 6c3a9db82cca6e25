/**
 * Part of npm run bench:ask — the delay from an answer's last token to its final answer on a rate-limited surface.
 *
 * Several /ask answers stream into one Discord channel through the real InteractionReply (ThrottledEdits, the
 * channel edit budget). The surface stands in for Discord + @discordjs/rest: one bucket per channel of 5 writes per
 * 5 s, requests of a channel sent in order, and when the bucket is spent the next request waits for its reset (what
 * discord.js does on a 429). Real scale, real timers. Goal: < 1.5 s from the last token to the final answer.
 */
import { performance } from 'node:perf_hooks';
import { DISCORD_CHANNEL_EDITS, discordChannelEditBudgets } from '../adapters/discord/channel-edit-budget.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../adapters/discord/fit-files.ts';
import { InteractionReply } from '../adapters/discord/interaction-reply.ts';
import type { DiscordPayload, SentMessage } from '../adapters/discord/shapes.ts';
import { text } from '../src/chat/reply.ts';
import { FakeChatInput } from '../test/adapters/discord/fakes.ts';

const ANSWERS = Number(process.env.BENCH_EDIT_ANSWERS ?? 3);
const TOKENS = 60;
const TOKEN_EVERY_MS = 50;
const BUCKET = { limit: 5, windowMs: 5_000, latencyMs: 60 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One channel's bucket: requests in order; a spent bucket holds the queue until it resets. */
class ChannelBucket {
  #queue: Promise<void> = Promise.resolve();
  #windowStart = Number.NEGATIVE_INFINITY;
  #used = 0;
  waits = 0;

  request(): Promise<void> {
    const turn = this.#queue.then(async () => {
      let now = performance.now();
      if (now - this.#windowStart >= BUCKET.windowMs) {
        this.#windowStart = now;
        this.#used = 0;
      }
      if (this.#used >= BUCKET.limit) {
        this.waits++;
        await sleep(this.#windowStart + BUCKET.windowMs - now);
        now = performance.now();
        this.#windowStart = now;
        this.#used = 0;
      }
      this.#used++;
      await sleep(BUCKET.latencyMs);
    });
    this.#queue = turn;
    return turn;
  }
}

class RateLimitedInteraction extends FakeChatInput {
  readonly #bucket: ChannelBucket;
  constructor(bucket: ChannelBucket) {
    super('ask');
    this.#bucket = bucket;
  }
  override async editReply(payload: DiscordPayload): Promise<SentMessage> {
    await this.#bucket.request();
    return super.editReply(payload);
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

async function scenario(label: string, withBudget: boolean, answers = ANSWERS): Promise<void> {
  const bucket = new ChannelBucket();
  const budgets = discordChannelEditBudgets();
  const delays = await Promise.all(
    Array.from({ length: answers }, async (_, i) => {
      const interaction = new RateLimitedInteraction(bucket);
      const reply = new InteractionReply({
        interaction,
        ephemeral: false,
        placeThreadKey: undefined,
        maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
        log: silent,
        signal: new AbortController().signal,
        editIntervalMs: 1_100,
        tokenLifetimeMs: 14 * 60_000,
        now: () => performance.now(),
        ...(withBudget ? { budget: budgets.for(interaction.channelId) } : {}),
      });
      await sleep(i * 170);
      let soFar = '';
      for (let t = 0; t < TOKENS; t++) {
        soFar += ` w${t}`;
        reply.progress(text(soFar));
        await sleep(TOKEN_EVERY_MS);
      }
      const lastToken = performance.now();
      await reply.finish(text(`${soFar} (final)`));
      return { delayMs: performance.now() - lastToken, edits: interaction.edits.length };
    }),
  );
  const ms = delays.map((d) => d.delayMs).sort((a, b) => a - b);
  console.log(
    `  ${label}: last token -> final answer ${ms.map((d) => `${(d / 1000).toFixed(2)} s`).join(', ')} ` +
      `(worst ${((ms.at(-1) ?? 0) / 1000).toFixed(2)} s); edits ${delays.map((d) => d.edits).join('/')}, ` +
      `bucket waits ${bucket.waits}`,
  );
}

console.log(
  `/ask final-answer delay on a rate-limited Discord channel: ${ANSWERS} answers streaming at once, ` +
    `${TOKENS} tokens every ${TOKEN_EVERY_MS} ms, edit interval 1.1 s, channel bucket ${BUCKET.limit} per ` +
    `${BUCKET.windowMs / 1000} s with ${BUCKET.latencyMs} ms per request (goal: < 1.5 s)`,
);
await scenario('1 answer, channel budget', true, 1);
await scenario(`${ANSWERS} answers, no channel budget (interval only)`, false);
await scenario(
  `${ANSWERS} answers, channel budget ${DISCORD_CHANNEL_EDITS.perMinute}/min burst ${DISCORD_CHANNEL_EDITS.burst}`,
  true,
);
