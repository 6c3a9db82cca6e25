import type { Command } from '../../src/chat/command.ts';
import type { Invoker } from '../../src/chat/context.ts';
import { newCorrelationId, runAction } from '../../src/chat/dispatcher.ts';
import type { Core } from '../../src/chat/surface.ts';
import type { ServerMessage } from './protocol.ts';
import { replyJson } from './reply-json.ts';

/** A click on a reply's button in a playground tab, run as the tab's user; the answer for the page. */
export async function actionClick(
  core: Core,
  commands: readonly Command[],
  tab: { readonly id: string; readonly invoker: Invoker },
  message: { readonly id: string; readonly key: string },
): Promise<Extract<ServerMessage, { type: 'action' }>> {
  const correlationId = newCorrelationId();
  const answer = await runAction(
    commands,
    {
      invoker: tab.invoker,
      place: {
        platform: 'web',
        spaceId: 'playground',
        channelId: `tab:${tab.id}`,
        isDirect: false,
        onlyInvokerSees: true,
      },
      invocationId: `${tab.id}:${message.id}`,
      correlationId,
      deps: core.deps,
      reply: { progress: () => {}, threadKey: async () => undefined },
      signal: new AbortController().signal,
      log: core.log.child({ platform: 'web', action: message.key, correlationId, session: tab.id }),
    },
    message.key,
  );
  return { type: 'action', id: message.id, to: answer.to, reply: replyJson(answer.reply) };
}
