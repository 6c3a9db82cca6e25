import { MessageFlags } from 'discord.js';
import { ACTION_PREFIX } from '../../src/chat/actions.ts';
import type { Command } from '../../src/chat/command.ts';
import type { CommandContext } from '../../src/chat/context.ts';
import { newCorrelationId, refusal, runCommand } from '../../src/chat/dispatcher.ts';
import type { EditBudgets } from '../../src/chat/edit-budget.ts';
import type { RawOptions } from '../../src/chat/options.ts';
import { type ErrorReply, errorReply, type Reply } from '../../src/chat/reply.ts';
import type { Core } from '../../src/chat/surface.ts';
import type { VoiceSurface } from '../../src/chat/voice-surface.ts';
import type { StaffRules } from '../../src/domain/staff.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { onActionButton } from './action-buttons.ts';
import { DEFAULT_MAX_ATTACHMENT_BYTES } from './attachment-source.ts';
import { clip } from './command-builders.ts';
import { invokerOf, placeOf } from './context.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from './fit-files.ts';
import { CANCEL_PREFIX, InteractionReply } from './interaction-reply.ts';
import { mapOptions } from './map-options.ts';
import { RecentIds } from './recent-ids.ts';
import { errorEmbed } from './render-reply.ts';
import type { AutocompleteShape, ButtonShape, ChatInputShape } from './shapes.ts';

export type VoiceFor = (guildId: string, userId: string) => VoiceSurface | undefined;

export interface InteractionHandlerOptions {
  readonly core: Core;
  /** The commands Discord carries (already filtered on `surfaces`). */
  readonly commands: readonly Command[];
  /** Staff role and user ids per guild (STAFF_ROLES, STAFF_USERS). */
  readonly staff: StaffRules;
  readonly voiceFor?: VoiceFor;
  readonly maxAttachmentBytes?: number;
  /** Largest upload the bot attempts (DISCORD_MAX_UPLOAD_BYTES); unset: the server's limit. */
  readonly maxUploadBytes?: number;
  /** Minimum time between two edits of one reply (Discord: about one per second per message). */
  readonly editIntervalMs?: number;
  /** After this, edits leave the interaction token (valid 15 minutes) for a normal message. */
  readonly tokenLifetimeMs?: number;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  /** Per channel: the edit budget every answer streaming there shares (none: only the per-message interval). */
  readonly editBudgets?: EditBudgets;
}

interface Running {
  readonly controller: AbortController;
  readonly invokerId: string;
}

/** Slash commands, their autocomplete and their Cancel buttons. Handlers never reject: failures are logged. */
export class InteractionHandler {
  readonly #o: InteractionHandlerOptions;
  readonly #byName: ReadonlyMap<string, Command>;
  readonly #seen = new RecentIds(15 * 60_000);
  readonly #running = new Map<string, Running>();
  readonly #log: Logger;

  constructor(options: InteractionHandlerOptions) {
    this.#o = options;
    this.#byName = new Map(options.commands.map((c) => [c.name, c]));
    this.#log = options.core.log.child({ platform: 'discord' });
  }

  async onChatInput(interaction: ChatInputShape): Promise<void> {
    const now = this.#o.now ?? Date.now;
    if (!this.#seen.add(interaction.id, now())) {
      this.#log.debug({ invocationId: interaction.id }, 'duplicate interaction ignored');
      return;
    }
    const command = this.#byName.get(interaction.commandName);
    const correlationId = newCorrelationId();
    const log = this.#log.child({ correlationId, command: interaction.commandName, invocationId: interaction.id });
    const ephemeral = command?.visibility !== 'public';
    const place = placeOf(interaction.guildId, interaction.channelId, interaction.channel);
    const invoker = invokerOf(interaction.user, interaction.member, interaction.guildId, this.#o.staff);
    // Checked synchronously before acknowledging: a command that will not start is refused to the invoker alone,
    // even when its answers are public.
    const prepared = this.#prepare(command, interaction, { place, invoker });
    try {
      // First thing, before any other await: Discord drops the interaction if it is not acknowledged within 3 s.
      if (!prepared.ok) {
        await interaction.reply({ embeds: [errorEmbed(prepared.error)], flags: MessageFlags.Ephemeral });
        return;
      }
      await interaction.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    } catch (error) {
      log.warn({ err: error }, 'could not acknowledge the interaction in time');
      return;
    }
    const controller = new AbortController();
    this.#running.set(interaction.id, { controller, invokerId: interaction.user.id });
    const reply = new InteractionReply({
      interaction,
      ephemeral,
      placeThreadKey: place.threadKey,
      log,
      signal: controller.signal,
      editIntervalMs: this.#o.editIntervalMs ?? 1100,
      tokenLifetimeMs: this.#o.tokenLifetimeMs ?? 14 * 60_000,
      now,
      ...(this.#o.editBudgets && interaction.channelId
        ? { budget: this.#o.editBudgets.for(interaction.channelId) }
        : {}),
      maxUploadBytes: uploadLimit(this.#o.maxUploadBytes, interaction.attachmentSizeLimit),
    });
    try {
      const result = await runCommand(
        prepared.command,
        {
          invoker,
          place,
          invocationId: interaction.id,
          correlationId,
          deps: this.#o.core.deps,
          reply,
          signal: controller.signal,
          log,
          ...this.#voice(interaction.guildId, interaction.user.id),
        },
        prepared.raw,
      );
      await reply.finish(result);
    } catch (error) {
      log.error({ err: error }, 'discord reply failed');
      const shown: Reply = { ...internalError(), correlationId };
      await interaction.editReply({ content: '', embeds: [errorEmbed(shown)], components: [] }).catch(() => {});
    } finally {
      reply.close();
      this.#running.delete(interaction.id);
    }
  }

  async onAutocomplete(interaction: AutocompleteShape): Promise<void> {
    const focused = interaction.options.getFocused(true);
    const spec = this.#byName.get(interaction.commandName)?.options[focused.name];
    let choices: { name: string; value: string }[] = [];
    if (spec?.type === 'string' && spec.autocomplete) {
      try {
        const who = invokerOf(interaction.user, interaction.member, interaction.guildId, this.#o.staff);
        const found = await spec.autocomplete(focused.value, who, this.#o.core.deps);
        choices = found.slice(0, 25).map((c) => ({ name: clip(c.name), value: clip(c.value) }));
      } catch (error) {
        this.#log.error({ err: error, command: interaction.commandName, option: focused.name }, 'autocomplete failed');
      }
    }
    await interaction.respond(choices).catch((error: unknown) => {
      this.#log.warn({ err: error, command: interaction.commandName }, 'autocomplete response failed');
    });
  }

  /** Cancel buttons: only the invoker may stop a running command. Reply buttons run their command's action. */
  async onButton(interaction: ButtonShape): Promise<void> {
    if (interaction.customId.startsWith(ACTION_PREFIX)) {
      const { commands, staff } = this.#o;
      return onActionButton({ commands, deps: this.#o.core.deps, staff, log: this.#log }, interaction);
    }
    if (!interaction.customId.startsWith(CANCEL_PREFIX)) return;
    const running = this.#running.get(interaction.customId.slice(CANCEL_PREFIX.length));
    if (!running) {
      await interaction.reply({
        content: 'Nothing to cancel: it has already finished.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    if (running.invokerId !== interaction.user.id) {
      await interaction.reply({
        content: 'Only the person who ran the command can cancel it.',
        flags: MessageFlags.Ephemeral,
      });
      return;
    }
    running.controller.abort(new Error('Cancelled by the user.'));
    await interaction.update({ components: [] });
  }

  /** The surface is going away: stop every running command. */
  abortAll(): void {
    for (const { controller } of this.#running.values()) controller.abort(new Error('The bot is shutting down.'));
  }

  #prepare(
    command: Command | undefined,
    interaction: ChatInputShape,
    who: Pick<CommandContext, 'place' | 'invoker'>,
  ): { ok: true; command: Command; raw: RawOptions } | { ok: false; error: ErrorReply } {
    if (!command) {
      const error = errorReply({
        code: 'input.unknown_command',
        message: `I don't know /${interaction.commandName}.`,
        hint: 'The registered commands are out of date: run `npm run commands:deploy`.',
      });
      return { ok: false, error };
    }
    const raw = mapOptions(
      command,
      interaction.options,
      this.#o.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES,
      this.#o.fetch,
    );
    if (!raw.ok) return { ok: false, error: errorReply(raw.error) };
    const refused = refusal(command, who, raw.value);
    return refused ? { ok: false, error: refused } : { ok: true, command, raw: raw.value };
  }

  #voice(guildId: string | null, userId: string): { voice?: VoiceSurface } {
    const voice = guildId ? this.#o.voiceFor?.(guildId, userId) : undefined;
    return voice ? { voice } : {};
  }
}

const internalError = () => ({
  kind: 'error' as const,
  code: 'internal',
  message: 'Something went wrong on our side.',
  hint: 'Try again in a moment; if it keeps happening, quote the reference below to the bot admins.',
});

/**
 * The upload limit for one reply: the server's, as the interaction carries it (boost tiers raise it), capped by the
 * configured one when set; Discord's 10 MiB default when neither is known.
 */
export function uploadLimit(configured: number | undefined, server: number | undefined): number {
  const known = server !== undefined && server > 0 ? server : undefined;
  if (configured === undefined) return known ?? DEFAULT_MAX_UPLOAD_BYTES;
  return known === undefined ? configured : Math.min(configured, known);
}
