import type { WebClient } from '@slack/web-api';
import type { Command } from '../../src/chat/command.ts';
import type { CommandContext, Invoker, Place } from '../../src/chat/context.ts';
import { handleMessage, newCorrelationId, runCommand } from '../../src/chat/dispatcher.ts';
import type { RawOptions } from '../../src/chat/options.ts';
import type { Core } from '../../src/chat/surface.ts';
import { userId } from '../../src/domain/ids.ts';
import { isSlackStaff } from '../../src/domain/staff.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { SlackFileAccess } from './file-source.ts';
import type { SlackReply } from './reply-stream.ts';
import type { WorkspaceEditBudget, WorkspaceEditBudgets } from './workspace-edit-budget.ts';

/** What every Slack listener shares: the core, the bot token, staff, and the runs that can be cancelled. */
export interface SlackRuntime {
  readonly core: Core;
  readonly botToken: string;
  readonly staffUsers: ReadonlySet<string>;
  readonly runs: Map<string, ActiveRun>;
  readonly log: Logger;
  readonly maxFileBytes: number;
  /** Hosts that may receive the bot token with a file download (Slack's own by default; tests add loopback). */
  readonly fileHosts?: readonly string[];
  readonly editIntervalMs: number;
  /** chat.update budgets per workspace, shared by every streaming answer there. */
  readonly editBudgets: WorkspaceEditBudgets;
  /** For progress edits only: rejects rate-limited calls instead of waiting behind Retry-After. */
  readonly progressClient: WebClient;
  readonly names: UserNames;
}

/** How files are downloaded: the bot token only to Slack's file hosts, never more than BENCH_MAX_BYTES. */
export const fileAccess = (rt: SlackRuntime): SlackFileAccess => ({
  botToken: rt.botToken,
  maxBytes: rt.maxFileBytes,
  ...(rt.fileHosts ? { hosts: rt.fileHosts } : {}),
});

/** How a public answer in workspace `team` paces its edits (options for PublicSlackReply). */
export const editPacing = (
  rt: SlackRuntime,
  team: string,
): { editIntervalMs: number; budget: WorkspaceEditBudget; progressClient: WebClient } => ({
  editIntervalMs: rt.editIntervalMs,
  budget: rt.editBudgets.for(team),
  progressClient: rt.progressClient,
});

export interface ActiveRun {
  readonly controller: AbortController;
  /** The Slack user id of the invoker: only they may cancel. */
  readonly user: string;
}

/**
 * Users are `slack:<team>/<user>` (e.g. `slack:T01/U02`): Slack user ids are unique per workspace, and the team
 * keeps ids apart should the bot ever serve several workspaces. The DirectMessenger receives `<team>/<user>`.
 */
export function slackInvoker(rt: SlackRuntime, team: string, user: string, displayName: string): Invoker {
  return {
    user: userId('slack', `${team}/${user}`),
    displayName,
    isStaff: isSlackStaff(rt.staffUsers, team, user),
  };
}

export const slackPlace = (team: string, channel: string, extra: { threadKey?: string } = {}): Place => ({
  platform: 'slack',
  spaceId: team,
  channelId: channel,
  // Direct-message channel ids start with D.
  isDirect: channel.startsWith('D'),
  ...(extra.threadKey ? { threadKey: extra.threadKey } : {}),
});

interface Invocation {
  readonly invoker: Invoker;
  /** The raw Slack user id (for cancel checks). */
  readonly slackUser: string;
  readonly place: Place;
  readonly invocationId: string;
  readonly reply: SlackReply;
}

/** Runs a command through the core boundary and renders its answer; a second delivery of the same id is dropped. */
export async function runSlackCommand(rt: SlackRuntime, command: Command, raw: RawOptions, inv: Invocation) {
  await withRun(rt, inv, command.name, async (ctx) => inv.reply.finish(await runCommand(command, ctx, raw)));
}

/** Routes free text to the message handlers; returns false when none took it (nothing was posted). */
export async function runSlackMessage(rt: SlackRuntime, text: string, inv: Invocation): Promise<boolean> {
  let answered = false;
  await withRun(rt, inv, 'message', async (ctx) => {
    const reply = await handleMessage(rt.core.messageHandlers, ctx, text);
    if (!reply) return;
    answered = true;
    await inv.reply.finish(reply);
  });
  return answered;
}

async function withRun(rt: SlackRuntime, inv: Invocation, what: string, body: (ctx: CommandContext) => Promise<void>) {
  if (rt.runs.has(inv.invocationId)) return;
  const controller = new AbortController();
  rt.runs.set(inv.invocationId, { controller, user: inv.slackUser });
  const correlationId = newCorrelationId();
  const log = rt.log.child({ correlationId, command: what, platform: 'slack' });
  const ctx: CommandContext = {
    invoker: inv.invoker,
    place: inv.place,
    invocationId: inv.invocationId,
    correlationId,
    deps: rt.core.deps,
    reply: inv.reply,
    signal: controller.signal,
    log,
  };
  try {
    await body(ctx);
  } finally {
    rt.runs.delete(inv.invocationId);
  }
}

/** Display names from users.info (scope users:read), cached; the id stands in when Slack will not say. */
export class UserNames {
  readonly #client: WebClient;
  readonly #cache = new Map<string, string>();

  constructor(client: WebClient) {
    this.#client = client;
  }

  async of(user: string): Promise<string> {
    const known = this.#cache.get(user);
    if (known) return known;
    try {
      const info = await this.#client.users.info({ user });
      const name = info.user?.profile?.display_name || info.user?.real_name || info.user?.name || user;
      this.#cache.set(user, name);
      return name;
    } catch {
      return user;
    }
  }
}
