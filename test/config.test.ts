import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envVariableNames, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('documents every variable in .env.example', () => {
    const example = readFileSync('.env.example', 'utf8');
    // `# NAME=value` documents a variable left at its default (see the next test for why some must be).
    const documented = new Set([...example.matchAll(/^(?:# )?([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(envVariableNames.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('parses .env.example itself, and serves the playground when no platform is configured', () => {
    const example = readFileSync('.env.example', 'utf8');
    const env = Object.fromEntries([...example.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    const config = loadConfig(env);
    expect(config).toMatchObject({ discordEnabled: false, slackEnabled: false, playgroundEnabled: true });
  });

  it('sets none of the variables the Docker image sets, so `docker run --env-file .env` keeps them', () => {
    const imageEnv = [...readFileSync('Dockerfile', 'utf8').matchAll(/^ENV (.+)$/gm)].flatMap((m) =>
      [...(m[1] ?? '').matchAll(/([A-Z0-9_]+)=/g)].map((v) => v[1]),
    );
    expect(imageEnv).toContain('PLAYGROUND_HOST');
    const set = new Set([...readFileSync('.env.example', 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(imageEnv.filter((name) => set.has(name))).toEqual([]);
  });

  it('turns the playground off by default once a platform is configured', () => {
    expect(loadConfig({ DISCORD_TOKEN: 'x' }).playgroundEnabled).toBe(false);
    expect(loadConfig({ DISCORD_TOKEN: 'x', PLAYGROUND: 'on' }).playgroundEnabled).toBe(true);
  });

  it('names each bad variable', () => {
    const load = () => loadConfig({ PLAYGROUND_PORT: 'eighty', SLACK_MODE: 'pigeon' });
    expect(load).toThrow(/PLAYGROUND_PORT/);
    expect(load).toThrow(/SLACK_MODE/);
  });
});
