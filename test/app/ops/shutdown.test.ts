import { describe, expect, it } from 'vitest';
import { Lifecycle, type Wait } from '../../../src/app/ops/lifecycle.ts';
import { shutDown } from '../../../src/app/ops/shutdown.ts';
import { watchVoice } from '../../../src/app/ops/watch-voice.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { runCommand } from '../../../src/chat/dispatcher.ts';
import { type Reply, text } from '../../../src/chat/reply.ts';
import { noMetrics } from '../../../src/ports/metrics.ts';
import type { RunningVoiceConversation, VoiceEnd } from '../../../src/voice/conversation-loop.ts';
import { aCommandContext, RecordingLogger } from '../../support/command-context.ts';

/** Grace periods the test ends by hand: `expire()` is the deadline passing; `waits(n)` resolves once n have begun. */
function manualDeadline(): { wait: Wait; expire(): void; started: Promise<void>; waits(n: number): Promise<void> } {
  const expiries: (() => void)[] = [];
  let begun = 0;
  const watchers: { n: number; resolve: () => void }[] = [];
  return {
    wait: (_ms, signal) =>
      new Promise<void>((resolve) => {
        expiries.push(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
        begun += 1;
        for (const w of watchers.filter((w) => w.n <= begun)) w.resolve();
      }),
    expire: () => {
      for (const expire of expiries.splice(0)) expire();
    },
    get started() {
      return this.waits(1);
    },
    waits(n) {
      if (begun >= n) return Promise.resolve();
      const { promise, resolve } = Promise.withResolvers<void>();
      watchers.push({ n, resolve });
      return promise;
    },
  };
}

/** A command that streams until the test releases it, or until its signal aborts (then it answers what it had). */
function streamingCommand() {
  const release = Promise.withResolvers<void>();
  const running = Promise.withResolvers<void>();
  const command = defineCommand({
    name: 'stream',
    description: 'streams',
    visibility: 'public',
    options: {},
    async run(ctx) {
      running.resolve();
      const aborted = new Promise<'aborted'>((resolve) =>
        ctx.signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
      );
      const how = await Promise.race([release.promise.then(() => 'done' as const), aborted]);
      return text(how === 'done' ? 'The whole answer.' : 'Half an ans\n✂ Cut off');
    },
  });
  return { command, release: () => release.resolve(), running: running.promise };
}

const opsDeps = (lifecycle: Lifecycle) => ({ ops: { metrics: noMetrics, lifecycle } });

describe('graceful shutdown', () => {
  it('refuses new work at once, lets running work finish within the grace period, then stops the rest in order', async () => {
    const deadline = manualDeadline();
    const lifecycle = new Lifecycle({ wait: deadline.wait });
    const slow = streamingCommand();
    const steps: string[] = [];
    const inFlight = runCommand(slow.command, aCommandContext({ deps: opsDeps(lifecycle) }), {});
    await slow.running;
    const stopping = shutDown({
      lifecycle,
      graceMs: 20_000,
      log: new RecordingLogger(),
      stopOrders: async () => void steps.push('orders'),
      stopSurfaces: async () => void steps.push('surfaces'),
      stopStores: async () => void steps.push('stores'),
    });
    expect(lifecycle.admit()).toBe(false);
    const late = await runCommand(slow.command, aCommandContext({ deps: opsDeps(lifecycle) }), {});
    expect(late).toMatchObject({ kind: 'error', code: 'ops.shutting_down' });
    await deadline.started;
    expect(steps).toEqual([]);
    slow.release();
    expect(await inFlight).toEqual(text('The whole answer.'));
    expect(await stopping).toEqual({ finished: 1, aborted: 0, abandoned: 0 });
    expect(steps).toEqual(['orders', 'surfaces', 'stores']);
    expect(lifecycle.status).toBe('stopped');
  });

  it('at the deadline aborts what still runs: the answer keeps its text and says the bot restarted', async () => {
    const deadline = manualDeadline();
    const lifecycle = new Lifecycle({ wait: deadline.wait });
    const slow = streamingCommand();
    const inFlight = runCommand(slow.command, aCommandContext({ deps: opsDeps(lifecycle) }), {});
    await slow.running;
    const draining = lifecycle.drain(20_000);
    await deadline.started;
    deadline.expire();
    const reply: Reply = await inFlight;
    expect(reply.kind === 'text' && reply.text).toMatch(/^Half an ans\n✂ Cut off\n\n_The bot is restarting/);
    expect(await draining).toEqual({ finished: 0, aborted: 1, abandoned: 0 });
  });

  it('work that ignores its abort is left behind after the second bound, and shutdown still ends', async () => {
    const deadline = manualDeadline();
    const lifecycle = new Lifecycle({ wait: deadline.wait });
    const stuck = defineCommand({
      name: 'stuck',
      description: 'never ends',
      visibility: 'public',
      options: {},
      run: () => new Promise<Reply>(() => {}),
    });
    void runCommand(stuck, aCommandContext({ deps: opsDeps(lifecycle) }), {});
    const draining = lifecycle.drain(20_000, 5_000);
    await deadline.started;
    deadline.expire();
    // The abort bound: a second wait, which this test also ends by hand.
    await deadline.waits(2);
    deadline.expire();
    expect(await draining).toEqual({ finished: 0, aborted: 1, abandoned: 1 });
  });

  it('a voice session says goodbye and leaves as soon as the drain begins', async () => {
    const lifecycle = new Lifecycle();
    const ended = Promise.withResolvers<VoiceEnd>();
    const posted: string[] = [];
    let stopped = false;
    const conversation: RunningVoiceConversation = {
      stop: async () => {
        stopped = true;
        ended.resolve({ status: 'stopped' });
      },
      stats: () => ({ engine: 'sonic', model: undefined, renewals: 0, turns: 0, voiceToVoiceMs: undefined }),
      done: ended.promise,
      summary: () => {
        throw new Error('not used');
      },
    };
    const active: string[] = [];
    watchVoice(conversation, {
      io: { post: async (line) => void posted.push(line) },
      engine: 'sonic',
      log: new RecordingLogger(),
      lifecycle,
      metrics: {
        ...noMetrics,
        voiceSessionStarted: (engine) => void active.push(`+${engine}`),
        voiceSessionEnded: (engine) => void active.push(`-${engine}`),
      },
    });
    expect(await lifecycle.drain(20_000)).toEqual({ finished: 0, aborted: 0, abandoned: 0 });
    await ended.promise;
    await new Promise((resolve) => setImmediate(resolve));
    expect(posted).toEqual([expect.stringContaining('I am restarting now')]);
    expect(stopped).toBe(true);
    expect(active).toEqual(['+sonic', '-sonic']);
  });
});
