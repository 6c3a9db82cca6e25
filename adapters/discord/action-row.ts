import { type APIButtonComponentWithCustomId, ButtonStyle, ComponentType } from 'discord.js';
import { actionKey } from '../../src/chat/actions.ts';
import type { ReplyAction } from '../../src/chat/reply.ts';
import { clip } from './command-builders.ts';
import type { DiscordPayload } from './shapes.ts';

const STYLES = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, danger: ButtonStyle.Danger } as const;

/** A reply's buttons as one action row (at most 5 buttons, labels within 80 characters; ids within 100). */
export function actionRow(actions: readonly ReplyAction[]): NonNullable<DiscordPayload['components']>[number] {
  return {
    type: ComponentType.ActionRow,
    components: actions.slice(0, 5).map(
      (a): APIButtonComponentWithCustomId => ({
        type: ComponentType.Button,
        style: STYLES[a.style ?? 'secondary'],
        label: clip(a.label, 80),
        custom_id: actionKey(a),
      }),
    ),
  };
}
