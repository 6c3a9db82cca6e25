import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, SocketModeReceiver, webApi } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Core, Surface } from '../../src/chat/surface.ts';
import type { DeliveryClaims, SharedBuckets } from '../../src/ports/shared-state.ts';
import { MemoryDeliveryClaims } from '../local/memory-shared-state.ts';
import { boltLogger } from './bolt-logger.ts';
import { dedupeDeliveries } from './delivery-dedupe.ts';
import { SlackDirectMessenger } from './direct-messenger.ts';
import { DEFAULT_MAX_FILE_BYTES } from './file-source.ts';
import { registerInteractions } from './interactions.ts';
import { registerMessages } from './messages.ts';
import { EDIT_INTERVAL_MS } from './reply-stream.ts';
import { type SlackRuntime, UserNames } from './runtime.ts';
import { registerSlashCommands } from './slash-commands.ts';
import { type WorkspaceEditBudgetOptions, WorkspaceEditBudgets } from './workspace-edit-budget.ts';

export interface SlackSurfaceOptions {
  readonly core: Core;
  /** xoxb-…: every Web API call and file download. */
  readonly botToken: string;
  /** xapp-… with connections:write: required in Socket Mode. */
  readonly appToken?: string;
  /** Required in HTTP mode: Bolt verifies every request's signature with it. */
  readonly signingSecret?: string;
  readonly mode: 'socket' | 'http';
  /** HTTP mode: where Slack's requests arrive (POST /slack/events); 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Staff per workspace as TEAM/USER ids (T…/U…): staff in that workspace only. */
  readonly staffUsers: readonly string[];
  /** Another Web API base URL (tests: a loopback fake), e.g. `http://127.0.0.1:4567/api/`. */
  readonly slackApiUrl?: string;
  readonly maxFileBytes?: number;
  /** Hosts that may receive the bot token with file downloads; Slack's own file hosts by default. */
  readonly fileHosts?: readonly string[];
  /** Per message: at most one progress edit per this many ms (default EDIT_INTERVAL_MS). */
  readonly editIntervalMs?: number;
  /** Per workspace: the chat.update budget streaming answers share (defaults in workspace-edit-budget.ts). */
  readonly editBudget?: WorkspaceEditBudgetOptions;
  /**
   * Where deliveries are claimed so a Slack retry runs nothing twice: the shared store when several replicas
   * serve the app (SHARED_STATE=dynamodb); this process's memory by default.
   */
  readonly deliveryClaims?: DeliveryClaims;
  /** Several replicas: the workspace edit budget is also a bucket in the shared store (workspace-edit-budget.ts). */
  readonly sharedBuckets?: SharedBuckets;
}

/** The Slack surface: Bolt in Socket Mode (default) or behind its HTTP receiver, serving the core's commands. */
export class SlackSurface implements Surface {
  readonly platform = 'slack' as const;
  readonly #options: SlackSurfaceOptions;
  readonly #app: App;
  readonly #receiver: HTTPReceiver | SocketModeReceiver;
  readonly #rt: SlackRuntime;
  #server: Server | undefined;
  #started = false;

  constructor(options: SlackSurfaceOptions) {
    this.#options = options;
    const log = options.core.log.child({ surface: 'slack' });
    const logger = boltLogger(log);
    this.#receiver = makeReceiver(options, logger);
    this.#app = new App({
      token: options.botToken,
      receiver: this.#receiver as Receiver,
      logger,
      clientOptions: options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {},
      // init() (auth.test) runs in start(), where a bad token becomes a clear startup error.
      deferInitialization: true,
    });
    this.#app.error(async (error) => log.error({ err: error, platform: 'slack' }, 'slack request failed'));
    this.#rt = {
      core: options.core,
      botToken: options.botToken,
      staffUsers: new Set(options.staffUsers),
      runs: new Map(),
      log,
      maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
      ...(options.fileHosts ? { fileHosts: options.fileHosts } : {}),
      editIntervalMs: options.editIntervalMs ?? EDIT_INTERVAL_MS,
      editBudgets: new WorkspaceEditBudgets(
        options.editBudget,
        options.sharedBuckets ? { buckets: options.sharedBuckets, log } : undefined,
      ),
      // On a 429 app.client pauses every call it makes until Retry-After, then retries: right for a final render,
      // wrong for a progress edit that the next one replaces. This client rejects it at once and does not retry.
      progressClient: new webApi.WebClient(options.botToken, {
        ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
        logger,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      }),
      names: new UserNames(this.#app.client),
    };
    dedupeDeliveries(this.#app, options.deliveryClaims ?? new MemoryDeliveryClaims(), log);
    registerSlashCommands(this.#app, this.#rt);
    registerInteractions(this.#app, this.#rt);
    registerMessages(this.#app, this.#rt);
  }

  /** The Web API client (bot token), shared with the direct messenger. */
  get client(): WebClient {
    return this.#app.client;
  }

  directMessenger(): SlackDirectMessenger {
    return new SlackDirectMessenger(this.#app.client);
  }

  /** HTTP mode: the bound port once started (useful with port 0). */
  get port(): number | undefined {
    const address = this.#server?.address();
    return address && typeof address === 'object' ? (address as AddressInfo).port : undefined;
  }

  async start(): Promise<void> {
    await this.#app.init();
    if (this.#receiver instanceof HTTPReceiver) {
      const { port, host } = this.#options;
      this.#server = await this.#receiver.start(host ? { port, host } : { port });
    } else {
      await this.#receiver.start();
    }
    this.#started = true;
    this.#rt.log.info({ mode: this.#options.mode, port: this.port }, 'slack surface started');
  }

  async stop(): Promise<void> {
    for (const run of this.#rt.runs.values()) run.controller.abort(new Error('the Slack surface is stopping'));
    if (!this.#started) return;
    this.#started = false;
    await this.#receiver.stop();
    this.#server = undefined;
  }
}

function makeReceiver(options: SlackSurfaceOptions, logger: ReturnType<typeof boltLogger>) {
  if (options.mode === 'http') {
    if (!options.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required when SLACK_MODE=http.');
    return new HTTPReceiver({ signingSecret: options.signingSecret, port: options.port, logger });
  }
  if (!options.appToken) throw new Error('SLACK_APP_TOKEN (xapp-…) is required for Socket Mode (SLACK_MODE=socket).');
  // The socket client opens its connection through apps.connections.open on the same (possibly fake) Web API.
  const clientOptions = options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {};
  return new SocketModeReceiver({ appToken: options.appToken, logger, installerOptions: { clientOptions } });
}
