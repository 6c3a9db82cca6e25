import { ApplicationCommandOptionType } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { toDiscordCommand, toDiscordCommands } from '../../../adapters/discord/command-builders.ts';
import { commands } from '../../../commands/index.ts';
import { defineCommand } from '../../../src/chat/command.ts';
import { text } from '../../../src/chat/reply.ts';

const ask = defineCommand({
  name: 'ask',
  description: 'Ask a model. '.repeat(20),
  visibility: 'public',
  options: {
    model: { type: 'string', description: 'Which model', required: false, autocomplete: () => [] },
    prompt: { type: 'string', description: 'What to ask', minLength: 1, maxLength: 4000 },
    rows: { type: 'integer', description: 'How many rows', required: false, min: 1, max: 500 },
    data: { type: 'attachment', description: 'A CSV file', extensions: ['csv'] },
    verbose: { type: 'boolean', description: 'Say more', required: false },
    tone: {
      type: 'string',
      description: 'Tone',
      required: false,
      choices: [
        { name: 'Friendly', value: 'friendly' },
        { name: 'Terse', value: 'terse' },
      ],
    },
  },
  run: async () => text('ok'),
});

describe('toDiscordCommand', () => {
  const json = toDiscordCommand(ask);
  const options = json.options ?? [];

  it('puts required options first, keeping the spec order otherwise', () => {
    expect(options.map((o) => [o.name, o.required ?? false])).toEqual([
      ['prompt', true],
      ['data', true],
      ['model', false],
      ['rows', false],
      ['verbose', false],
      ['tone', false],
    ]);
  });

  it('maps types, limits, choices and the autocomplete flag', () => {
    const byName = Object.fromEntries(options.map((o) => [o.name, o]));
    expect(byName.prompt).toMatchObject({ type: ApplicationCommandOptionType.String, min_length: 1, max_length: 4000 });
    expect(byName.rows).toMatchObject({ type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 500 });
    expect(byName.data).toMatchObject({ type: ApplicationCommandOptionType.Attachment });
    expect(byName.verbose).toMatchObject({ type: ApplicationCommandOptionType.Boolean });
    expect(byName.model).toMatchObject({ autocomplete: true });
    expect(byName.tone).toMatchObject({
      choices: [
        { name: 'Friendly', value: 'friendly' },
        { name: 'Terse', value: 'terse' },
      ],
    });
    expect(byName.tone).not.toHaveProperty('autocomplete', true);
  });

  it('clips descriptions to 100 characters', () => {
    expect(json.description).toHaveLength(100);
    expect(json.description.endsWith('…')).toBe(true);
  });

  it('names the command when the builder rejects it', () => {
    const bad = defineCommand({
      name: 'Bad Name',
      description: 'x',
      visibility: 'public',
      options: {},
      run: async () => text(''),
    });
    expect(() => toDiscordCommands([bad])).toThrow(/\/Bad Name cannot be registered on Discord/);
  });
});

describe('the project commands', () => {
  it('all build as valid Discord commands', () => {
    const discord = commands.filter((c) => !c.surfaces || c.surfaces.includes('discord'));
    const json = toDiscordCommands(discord);
    expect(json.map((c) => c.name)).toEqual(discord.map((c) => c.name));
    for (const c of json) {
      const options = c.options ?? [];
      const firstOptional = options.findIndex((o) => !o.required);
      if (firstOptional >= 0) expect(options.slice(firstOptional).every((o) => !o.required)).toBe(true);
    }
  });
});
