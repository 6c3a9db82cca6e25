import {
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
} from 'discord.js';
import type { Command } from '../../src/chat/command.ts';
import { isRequired, type OptionSpec } from '../../src/chat/options.ts';

/** Discord's limits for descriptions and choice names/values. */
const TEXT_LIMIT = 100;

export const clip = (text: string, limit = TEXT_LIMIT): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;

/**
 * Our command specs as Discord slash command JSON. The builder validates names and limits, so a bad spec fails
 * at registration (and in tests) with the builder's message rather than as a 400 from Discord.
 */
export function toDiscordCommands(commands: readonly Command[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return commands.map(toDiscordCommand);
}

export function toDiscordCommand(command: Command): RESTPostAPIChatInputApplicationCommandsJSONBody {
  try {
    const builder = new SlashCommandBuilder()
      .setName(command.name)
      .setDescription(clip(command.description))
      // Installed to servers only (no user installs): the bot's DMs, orders and staff live with a server install.
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .setContexts(...contextsOf(command));
    // Hidden from ordinary members; a server admin can show it to the staff role (Server Settings → Integrations).
    if (command.staffOnly) builder.setDefaultMemberPermissions(STAFF_DEFAULT_PERMISSIONS);
    // Discord rejects a command whose required options follow optional ones; keep the spec's order otherwise.
    const entries = Object.entries(command.options);
    const ordered = [...entries.filter(([, s]) => isRequired(s)), ...entries.filter(([, s]) => !isRequired(s))];
    for (const [name, spec] of ordered) addOption(builder, name, spec);
    return builder.toJSON();
  } catch (error) {
    throw new Error(`/${command.name} cannot be registered on Discord: ${String(error)}`, { cause: error });
  }
}

/** Who sees a staff command before an admin grants it to a role: members who can manage the server. */
export const STAFF_DEFAULT_PERMISSIONS = PermissionFlagsBits.ManageGuild;

/** Server channels and/or the bot's DMs; staff commands only in servers (staff is a server role). */
function contextsOf(command: Command): InteractionContextType[] {
  const places = command.staffOnly ? (['server'] as const) : (command.places ?? ['server', 'direct']);
  return places.map((p) => (p === 'server' ? InteractionContextType.Guild : InteractionContextType.BotDM));
}

function addOption(builder: SlashCommandBuilder, name: string, spec: OptionSpec): void {
  const description = clip(spec.description);
  const required = isRequired(spec);
  switch (spec.type) {
    case 'string':
      builder.addStringOption((o) => {
        o.setName(name).setDescription(description).setRequired(required);
        if (spec.minLength !== undefined) o.setMinLength(spec.minLength);
        // Discord caps string options at 6000 characters; a larger spec limit is enforced by our validation.
        if (spec.maxLength !== undefined) o.setMaxLength(Math.min(spec.maxLength, 6000));
        if (spec.choices) {
          o.addChoices(...spec.choices.slice(0, 25).map((c) => ({ name: clip(c.name), value: c.value })));
        } else if (spec.autocomplete) {
          o.setAutocomplete(true);
        }
        return o;
      });
      return;
    case 'integer':
      builder.addIntegerOption((o) => {
        o.setName(name).setDescription(description).setRequired(required);
        if (spec.min !== undefined) o.setMinValue(spec.min);
        if (spec.max !== undefined) o.setMaxValue(spec.max);
        return o;
      });
      return;
    case 'boolean':
      builder.addBooleanOption((o) => o.setName(name).setDescription(description).setRequired(required));
      return;
    case 'attachment':
      builder.addAttachmentOption((o) => o.setName(name).setDescription(description).setRequired(required));
      return;
  }
}
