import { createHmac } from 'node:crypto';
import { SlackSurface } from '../../../adapters/slack/slack-surface.ts';
import type { WorkspaceEditBudgetOptions } from '../../../adapters/slack/workspace-edit-budget.ts';
import type { AppDeps } from '../../../src/app/deps.ts';
import type { Command, MessageHandler } from '../../../src/chat/command.ts';
import type { Core } from '../../../src/chat/surface.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { DeliveryClaims } from '../../../src/ports/shared-state.ts';
import { FakeSlackApi } from './fake-slack-api.ts';

export const SIGNING_SECRET = 'test-signing-secret';

/** Commands in these tests need no app deps; touching one is a test bug and says so. */
export const noDeps = new Proxy(
  {},
  {
    get: (_, key) => {
      // The dispatcher looks for the optional groups (metrics and shutdown, budgets): absent here.
      if (key === 'ops' || key === 'budgets') return undefined;
      throw new Error(`deps.${String(key)} is not available in Slack adapter tests`);
    },
  },
) as AppDeps;

export interface Harness {
  readonly fake: FakeSlackApi;
  readonly surface: SlackSurface;
  readonly eventsUrl: string;
  close(): Promise<void>;
}

/** A real SlackSurface in HTTP mode on 127.0.0.1 port 0, talking to a loopback fake of the Web API. */
export async function startHarness(
  commands: readonly Command[],
  options: {
    handlers?: readonly MessageHandler[];
    staffUsers?: string[];
    editIntervalMs?: number;
    editBudget?: WorkspaceEditBudgetOptions;
    /** A Web API fake already started (several replicas share one); the harness then leaves it running on close. */
    fake?: FakeSlackApi;
    deliveryClaims?: DeliveryClaims;
    /** For tests that run real handlers (the assistant on a fake Bedrock); default: none. */
    deps?: AppDeps;
  } = {},
): Promise<Harness> {
  const shared = options.fake;
  const fake = shared ?? new FakeSlackApi();
  if (!shared) await fake.start();
  const core: Core = {
    commands,
    messageHandlers: options.handlers ?? [],
    deps: options.deps ?? noDeps,
    log: silentLogger,
  };
  const surface = new SlackSurface({
    core,
    botToken: fake.botToken,
    signingSecret: SIGNING_SECRET,
    mode: 'http',
    port: 0,
    host: '127.0.0.1',
    staffUsers: options.staffUsers ?? [],
    slackApiUrl: fake.apiUrl,
    fileHosts: [new URL(fake.url).host],
    ...(options.editIntervalMs !== undefined ? { editIntervalMs: options.editIntervalMs } : {}),
    ...(options.editBudget ? { editBudget: options.editBudget } : {}),
    ...(options.deliveryClaims ? { deliveryClaims: options.deliveryClaims } : {}),
  });
  await surface.start();
  return {
    fake,
    surface,
    eventsUrl: `http://127.0.0.1:${surface.port}/slack/events`,
    async close() {
      await surface.stop();
      if (!shared) await fake.stop();
    },
  };
}

export const sign = (body: string, timestamp: number, secret = SIGNING_SECRET): string =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

export interface PostOptions {
  readonly contentType?: string;
  /** Seconds since the epoch; defaults to now. */
  readonly timestamp?: number;
  /** Overrides the computed signature; `null` sends none. */
  readonly signature?: string | null;
  readonly headers?: Record<string, string>;
}

/** POSTs to the receiver exactly as Slack does: raw body, X-Slack-Request-Timestamp and X-Slack-Signature. */
export async function postSigned(url: string, body: string, options: PostOptions = {}): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature === undefined ? sign(body, timestamp) : options.signature;
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      ...(signature === null ? {} : { 'x-slack-signature': signature }),
      ...options.headers,
    },
    body,
  });
}

let triggers = 0;

/** A slash command payload; response_url points at the fake. */
export function slashBody(fake: FakeSlackApi, command: string, text: string, user = 'U1', team = 'T1'): string {
  triggers += 1;
  return new URLSearchParams({
    token: 'legacy',
    command: `/${command}`,
    text,
    response_url: `${fake.url}/respond/${triggers}`,
    trigger_id: `trigger-${triggers}`,
    user_id: user,
    user_name: 'alice',
    team_id: team,
    team_domain: 'acme',
    channel_id: 'C1',
    channel_name: 'general',
    api_app_id: 'A1',
  }).toString();
}

/** An interactivity payload (block_actions, view_submission): form field `payload` holding JSON. */
export const interactionBody = (payload: object): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

let events = 0;

/** An Events API envelope (JSON). */
export function eventBody(event: object): string {
  events += 1;
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${events}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

/** All text of a recorded call's blocks (section, header and context texts), for assertions. */
export function blockText(args: Record<string, unknown>): string {
  return JSON.stringify(args.blocks ?? []);
}
