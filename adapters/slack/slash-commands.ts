import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Command } from '../../src/chat/command.ts';
import { isRequired } from '../../src/chat/options.ts';
import { errorReply, type Reply, text } from '../../src/chat/reply.ts';
import { commandsFor } from '../../src/chat/surface.ts';
import { parseTextArgs, usage } from '../../src/chat/text-args.ts';
import { validateOptions } from '../../src/chat/validate-options.ts';
import { invocationLine, placeholder, renderMessages } from './blocks.ts';
import { EphemeralSlackReply } from './ephemeral-reply.ts';
import { commandModal, hasAttachment } from './modal.ts';
import { PublicSlackReply, type SlackReply } from './reply-stream.ts';
import { ResponseUrl } from './response-url.ts';
import { editPacing, runSlackCommand, type SlackRuntime, slackInvoker, slackPlace } from './runtime.ts';
import { safely } from './safely.ts';

/** One Slack slash command per core command served on Slack; each acks at once and works afterwards. */
export function registerSlashCommands(app: App, rt: SlackRuntime): void {
  for (const command of commandsFor(rt.core, 'slack')) {
    app.command(`/${command.name}`, async ({ command: body, ack, respond, client }) =>
      safely(rt.log, `/${command.name}`, async () => {
        await ack();
        await onSlashCommand(rt, command, body, respond, client);
      }),
    );
  }
}

async function onSlashCommand(
  rt: SlackRuntime,
  command: Command,
  body: SlashCommand,
  respond: RespondFn,
  client: WebClient,
): Promise<void> {
  // One budget of 5 uses for everything this command answers through its response_url.
  const responseUrl = new ResponseUrl(respond, rt.log);
  const say = async (reply: Reply) => {
    await responseUrl.send(renderMessages(reply), 'ephemeral', 'The rest was cut: Slack takes 5 messages here.');
  };
  const input = body.text.trim();
  const withForm = hasAttachment(command);
  if (input.toLowerCase() === 'help' || (input === '' && !withForm && needsArguments(command))) {
    return say(helpFor(command, withForm));
  }
  const invoker = slackInvoker(rt, body.team_id, body.user_id, body.user_name);
  if (command.staffOnly && !invoker.isStaff) {
    return say(errorReply({ code: 'auth.staff_only', message: `/${command.name} is for staff only.` }));
  }
  const parsed = parseTextArgs(command, input);
  if (!parsed.ok) return say(errorReply(parsed.error));

  if (withForm) {
    const view = commandModal(command, parsed.value, {
      command: command.name,
      channel: body.channel_id,
      team: body.team_id,
    });
    await client.views.open({ trigger_id: body.trigger_id, view });
    return;
  }
  const checked = validateOptions(command.options, parsed.value);
  if (!checked.ok) {
    const hint = [checked.error.hint, `\`${usage(command)}\``].filter(Boolean).join('\n');
    return say(errorReply({ ...checked.error, hint }));
  }

  let reply: SlackReply;
  if (command.visibility === 'ephemeral') {
    reply = new EphemeralSlackReply(responseUrl);
  } else {
    const lead = invocationLine(body.user_id, command.name, input);
    const publicReply = new PublicSlackReply({
      client,
      channel: body.channel_id,
      lead,
      invocationId: body.trigger_id,
      log: rt.log,
      ...editPacing(rt, body.team_id),
      // The bot is not in this channel: response_url can still answer, without progress or files.
      fallback: async (messages) => {
        await responseUrl.send(messages, 'in_channel', 'The answer was too long to show here in full.');
      },
      privately: async (messages) => {
        await responseUrl.send(messages, 'ephemeral', 'The rest was cut: Slack takes 5 messages here.');
      },
    });
    publicReply.start(placeholder(lead));
    reply = publicReply;
  }
  await runSlackCommand(rt, command, parsed.value, {
    invoker,
    slackUser: body.user_id,
    place: slackPlace(body.team_id, body.channel_id),
    invocationId: body.trigger_id,
    reply,
  });
}

const needsArguments = (command: Command): boolean =>
  Object.values(command.options).some((spec) => spec.type !== 'attachment' && isRequired(spec));

function helpFor(command: Command, withForm: boolean): Reply {
  const options = Object.entries(command.options).map(
    ([name, spec]) => `• \`${name}\` (${spec.type}${isRequired(spec) ? '' : ', optional'}): ${spec.description}`,
  );
  const form = withForm ? `\nRun \`/${command.name}\` to open a form where you attach the file.` : '';
  return text(`\`${usage(command)}\`${form}\n${options.join('\n')}`.trim(), {
    title: `/${command.name}: ${command.description}`,
  });
}
