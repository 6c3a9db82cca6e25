import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from './adapters/web/ws-client.ts';

/**
 * The real composition root, as `npm start` runs it with nothing configured: the playground on a free loopback port,
 * orders on embedded dynalite in a temp folder. Checks the wiring end to end, then a clean SIGTERM shutdown.
 */
describe('npm start with no platform configured', () => {
  let bot: ChildProcess | undefined;
  let url = '';
  let output = '';
  const dataDir = mkdtempSync(join(tmpdir(), 'sonicord-main-'));

  beforeAll(async () => {
    bot = spawn(process.execPath, ['src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        PLAYGROUND_PORT: '0',
        OPS_PORT: '0',
        DATA_DIR: dataDir,
        DEMO_COURIER: 'false',
        LOG_LEVEL: 'warn',
        AWS_REGION: 'us-east-1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    bot.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 45_000;
    while (!url) {
      const match = /Sonicord playground: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (match?.[1]) url = match[1];
      else if (Date.now() > deadline || bot.exitCode !== null) throw new Error(`the bot did not start:\n${output}`);
      else await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(() => {
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves every command and places and tracks an order offline', async () => {
    const alice = await TestClient.as(url, 'alice');
    alice.send({ type: 'command', id: 'h', name: 'help', text: '' });
    const help = await alice.final('h');
    for (const name of ['ask', 'bench', 'order', 'track', 'join'])
      expect(JSON.stringify(help.reply)).toContain(`/${name}`);

    alice.send({
      type: 'command',
      id: 'o',
      name: 'order',
      text: 'product:margherita quantity:2 address:"1000 Old town 5" payment:tok_ok',
    });
    const placed = await alice.final('o');
    expect(placed.reply.kind).not.toBe('error');
    alice.send({ type: 'command', id: 't', name: 'track', text: '' });
    const tracked = await alice.final('t');
    expect(JSON.stringify(tracked.reply)).toContain('Pizza Margherita');
    await alice.close();
  }, 60_000);

  it('answers health, readiness and metrics on the ops port', async () => {
    const ops = /Ops endpoints: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(ops).toBeDefined();
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const ready = await fetch(`${ops}/readyz`);
    expect(await ready.text()).toMatch(/^ready\nlifecycle: ok\nweb: ok\nbudgets: ok/);
    // The workflow confirms the order of the test above in the background: scrape until it shows.
    let metrics = '';
    while (!/^sonicord_order_transitions_total\{status="confirmed"\} 1$/m.test(metrics)) {
      if (metrics) await new Promise((r) => setTimeout(r, 100));
      metrics = await (await fetch(`${ops}/metrics`)).text();
    }
    expect(metrics).toMatch(/^sonicord_commands_total\{command="order",outcome="ok",platform="web"\} 1$/m);
  }, 30_000);

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => bot?.once('exit', (code) => resolve(code)));
    bot?.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
