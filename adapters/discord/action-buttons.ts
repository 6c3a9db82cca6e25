import { MessageFlags } from 'discord.js';
import type { AppDeps } from '../../src/app/deps.ts';
import type { Command } from '../../src/chat/command.ts';
import { newCorrelationId, runAction } from '../../src/chat/dispatcher.ts';
import type { StaffRules } from '../../src/domain/staff.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { invokerOf, placeOf } from './context.ts';
import { errorEmbed, renderReply } from './render-reply.ts';
import type { ButtonShape } from './shapes.ts';

export interface ActionButtonDeps {
  readonly commands: readonly Command[];
  readonly deps: AppDeps;
  readonly staff: StaffRules;
  readonly log: Logger;
}

/**
 * A click on a reply's button: acknowledged at once (Discord allows 3 s), run as the user who clicked, then either
 * the message is replaced (its buttons go) or the clicker alone gets an ephemeral answer. Never throws.
 */
export async function onActionButton(o: ActionButtonDeps, interaction: ButtonShape): Promise<void> {
  const correlationId = newCorrelationId();
  const log = o.log.child({ correlationId, action: interaction.customId, invocationId: interaction.id });
  try {
    await interaction.deferUpdate();
  } catch (error) {
    log.warn({ err: error }, 'could not acknowledge the button in time');
    return;
  }
  try {
    const answer = await runAction(
      o.commands,
      {
        invoker: invokerOf(interaction.user, interaction.member, interaction.guildId, o.staff),
        place: placeOf(interaction.guildId, interaction.channelId, interaction.channel),
        invocationId: interaction.id,
        correlationId,
        deps: o.deps,
        reply: { progress: () => {}, threadKey: async () => undefined },
        signal: new AbortController().signal,
        log,
      },
      interaction.customId,
    );
    const [first = { content: '…' }] = renderReply(answer.reply);
    if (answer.to === 'message') {
      await interaction.editReply({ content: '', embeds: [], ...first, components: first.components ?? [] });
    } else {
      await interaction.followUp({ ...first, flags: MessageFlags.Ephemeral });
    }
  } catch (error) {
    log.error({ err: error }, 'discord button answer failed');
    const shown = errorEmbed({
      kind: 'error',
      code: 'internal',
      message: 'Something went wrong on our side.',
      correlationId,
    });
    await interaction.followUp({ embeds: [shown], flags: MessageFlags.Ephemeral }).catch(() => {});
  }
}
