import { describe, expect, it } from 'vitest';
import { startupSummary } from '../../src/app/startup-summary.ts';

const facts = {
  started: [{ name: 'playground', where: 'http://127.0.0.1:3000/' }],
  notStarted: ['Discord (no DISCORD_TOKEN)', 'Slack (no SLACK_BOT_TOKEN)'],
  region: 'us-east-1',
  ordersMode: 'local' as const,
  dataDir: './data',
  resumedOrders: 2,
};

describe('startupSummary', () => {
  it('says which surfaces started, that credentials are missing, and what works offline', () => {
    expect(startupSummary({ ...facts, aws: 'missing' })).toEqual([
      'Surfaces started: playground at http://127.0.0.1:3000/. Not started: Discord (no DISCORD_TOKEN), Slack (no SLACK_BOT_TOKEN).',
      'AWS credentials: none found. Working offline: /help, /order, /track, /cancel, /deliver, /restock, /bench (score and retrieval modes), /kb, /result, /usage. ' +
        'Off until credentials are set (each says so when used): /ask, free text (thread follow-ups, the order assistant), voice, /bench mode:run.',
      'Orders: on this machine (the state machine in-process, data in ./data); 2 resumed.',
    ]);
  });

  it('says every command is on with credentials, and that cloud orders need AWS', () => {
    expect(startupSummary({ ...facts, aws: 'found' })[1]).toBe(
      'AWS credentials: found (region us-east-1); every command is on.',
    );
    const cloud = startupSummary({ ...facts, aws: 'missing', ordersMode: 'aws' });
    expect(cloud[1]).toContain('Working offline: /help, /bench (score and retrieval modes), /result, /usage.');
    expect(cloud[1]).toContain('/bench mode:run, /order, /track.');
  });
});
