import { describe, expect, it } from 'vitest';
import { SlackSurface } from '../../../adapters/slack/slack-surface.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { noDeps } from './harness.ts';

const core = { commands: [], messageHandlers: [], deps: noDeps, log: silentLogger };
const base = { core, botToken: 'xoxb-x', port: 0, staffUsers: [] };

describe('SlackSurface configuration', () => {
  it('needs the signing secret in HTTP mode, to verify requests', () => {
    expect(() => new SlackSurface({ ...base, mode: 'http' })).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('needs the app-level token in Socket Mode', () => {
    expect(() => new SlackSurface({ ...base, mode: 'socket' })).toThrow(/SLACK_APP_TOKEN/);
  });

  it('builds a Socket Mode surface without opening anything until start', async () => {
    const surface = new SlackSurface({ ...base, mode: 'socket', appToken: 'xapp-x' });
    expect(surface.platform).toBe('slack');
    expect(surface.port).toBeUndefined();
    await surface.stop();
  });
});
