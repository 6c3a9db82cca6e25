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

  it('reads staff as ids per guild and per Slack workspace, and names a malformed entry', () => {
    const { env } = loadConfig({
      STAFF_ROLES: '111111111111111111:222222222222222222, 111111111111111111:333333333333333333',
      STAFF_USERS: '444444444444444444:555555555555555555',
      SLACK_STAFF_USERS: 'T0123ABCD/U0456EFGH',
    });
    expect(env.STAFF_ROLES.get('111111111111111111')).toEqual(new Set(['222222222222222222', '333333333333333333']));
    expect(env.STAFF_USERS.get('444444444444444444')).toEqual(new Set(['555555555555555555']));
    expect(env.SLACK_STAFF_USERS).toEqual(['T0123ABCD/U0456EFGH']);
    expect(() => loadConfig({ STAFF_ROLES: 'Staff' })).toThrow(/STAFF_ROLES.*guildId:id/s);
    expect(() => loadConfig({ SLACK_STAFF_USERS: 'U0456EFGH' })).toThrow(/SLACK_STAFF_USERS.*TEAM\/USER/s);
  });

  it('names each bad variable', () => {
    const load = () => loadConfig({ PLAYGROUND_PORT: 'eighty', SLACK_MODE: 'pigeon' });
    expect(load).toThrow(/PLAYGROUND_PORT/);
    expect(load).toThrow(/SLACK_MODE/);
  });
});
