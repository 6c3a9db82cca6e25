import type { App } from '@slack/bolt';
import { ACTION_PREFIX } from '../../src/chat/actions.ts';
import { newCorrelationId, runAction } from '../../src/chat/dispatcher.ts';
import { commandsFor } from '../../src/chat/surface.ts';
import { renderMessages } from './blocks.ts';
import { type SlackRuntime, slackInvoker, slackPlace } from './runtime.ts';
import { safely } from './safely.ts';

/**
 * The buttons of replies (`do:` action ids): run as the user who clicked. The answer replaces the message through
 * the click's response_url (ephemeral messages included), or goes to the clicker alone as a new ephemeral message.
 */
export function registerActionButtons(app: App, rt: SlackRuntime): void {
  const prefix = new RegExp(`^${ACTION_PREFIX}`);
  app.action({ action_id: prefix }, async ({ ack, body, action, respond }) =>
    safely(rt.log, 'action', async () => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button' || !('action_id' in action)) return;
      const team = body.team?.id ?? body.user.team_id ?? 'unknown';
      const channel = body.channel?.id ?? 'unknown';
      const correlationId = newCorrelationId();
      const log = rt.log.child({ correlationId, action: action.action_id, platform: 'slack' });
      const answer = await runAction(
        commandsFor(rt.core, 'slack'),
        {
          invoker: slackInvoker(rt, team, body.user.id, body.user.name ?? body.user.id),
          place: slackPlace(team, channel),
          invocationId: body.trigger_id,
          correlationId,
          deps: rt.core.deps,
          reply: { progress: () => {}, threadKey: async () => undefined },
          signal: new AbortController().signal,
          log,
        },
        action.action_id,
      );
      const [message = { text: ' ', blocks: [] }] = renderMessages(answer.reply);
      if (answer.to === 'message') await respond({ replace_original: true, ...message });
      else await respond({ response_type: 'ephemeral', replace_original: false, ...message });
    }),
  );
}
