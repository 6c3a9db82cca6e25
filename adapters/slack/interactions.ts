import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { commandsFor } from '../../src/chat/surface.ts';
import { registerActionButtons } from './action-buttons.ts';
import { CANCEL_ACTION_PREFIX, placeholder, type SlackMessage } from './blocks.ts';
import { EphemeralSlackReply } from './ephemeral-reply.ts';
import { MODAL_CALLBACK_ID, readMetadata, readSubmission } from './modal.ts';
import { PublicSlackReply, type SlackReply } from './reply-stream.ts';
import { unlimited } from './response-url.ts';
import { editPacing, fileAccess, runSlackCommand, type SlackRuntime, slackInvoker, slackPlace } from './runtime.ts';
import { safely } from './safely.ts';

/** The command form's submission, the Cancel button on running answers, and the buttons of replies. */
export function registerInteractions(app: App, rt: SlackRuntime): void {
  registerActionButtons(app, rt);
  app.view(MODAL_CALLBACK_ID, async ({ ack, body, view, client }) =>
    safely(rt.log, 'view_submission', async () => {
      const metadata = readMetadata(view.private_metadata);
      const command = commandsFor(rt.core, 'slack').find((c) => c.name === metadata?.command);
      if (!metadata || !command) {
        await ack();
        rt.log.warn({ callbackId: view.callback_id }, 'slack form without a known command');
        return;
      }
      const submission = readSubmission(command, view.state.values, fileAccess(rt));
      if (submission.status === 'invalid') {
        await ack({ response_action: 'errors', errors: submission.errors });
        return;
      }
      await ack();
      const user = body.user.id;
      const team = body.user.team_id ?? metadata.team;
      const lead = `<@${user}> used \`/${command.name}\``;
      let reply: SlackReply;
      if (command.visibility === 'ephemeral') {
        reply = new EphemeralSlackReply(
          unlimited((message) => client.chat.postEphemeral({ channel: metadata.channel, user, ...message })),
        );
      } else {
        const publicReply = new PublicSlackReply({
          client,
          channel: metadata.channel,
          lead,
          invocationId: view.id,
          log: rt.log,
          // The workspace the command ran in: the invoker's own team may differ (shared channels).
          ...editPacing(rt, metadata.team),
          fallback: (messages) => sendDirect(client, user, messages),
        });
        publicReply.start(placeholder(lead));
        reply = publicReply;
      }
      await runSlackCommand(rt, command, submission.raw, {
        invoker: slackInvoker(rt, team, user, body.user.name),
        slackUser: user,
        place: slackPlace(team, metadata.channel),
        invocationId: view.id,
        reply,
      });
    }),
  );

  app.action({ action_id: new RegExp(`^${CANCEL_ACTION_PREFIX}`) }, async ({ ack, body, action, client }) =>
    safely(rt.log, 'cancel', async () => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
      const run = rt.runs.get(action.action_id.slice(CANCEL_ACTION_PREFIX.length));
      const channel = body.channel?.id;
      if (run && run.user === body.user.id) {
        run.controller.abort(new Error('cancelled by the user'));
      } else if (run && channel) {
        await client.chat.postEphemeral({ channel, user: body.user.id, text: `Only <@${run.user}> can cancel this.` });
      }
    }),
  );
}

/** When the bot may not post in the form's channel, the invoker still gets the answer by direct message. */
async function sendDirect(client: WebClient, user: string, messages: readonly SlackMessage[]): Promise<void> {
  const opened = await client.conversations.open({ users: user });
  const channel = opened.channel?.id;
  if (!channel) return;
  for (const message of messages) await client.chat.postMessage({ channel, ...message });
}
