import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import type { Command } from '../../src/chat/command.ts';
import { isRequired, type OptionSpec, type RawOptions, type RawValue } from '../../src/chat/options.ts';
import { validateOptions } from '../../src/chat/validate-options.ts';
import { type SlackFileAccess, slackFileSource } from './file-source.ts';

/**
 * Slack slash commands cannot carry files, so a command with an attachment option opens this form: a
 * file_input for the file plus one input per other option, pre-filled from what was typed after the command.
 */
export const MODAL_CALLBACK_ID = 'sonicord_command';
const VALUE = 'value';
const blockIdOf = (option: string) => `opt:${option}`;

/** Where the answer goes once the form is submitted (Slack gives views no channel of their own). */
const metadataSchema = z.object({ command: z.string(), channel: z.string(), team: z.string() });
export type ModalMetadata = z.infer<typeof metadataSchema>;

export const hasAttachment = (command: Command): boolean =>
  Object.values(command.options).some((spec) => spec.type === 'attachment');

export function commandModal(command: Command, prefill: RawOptions, metadata: ModalMetadata): ModalView {
  const inputs = Object.entries(command.options).map(([name, spec]) => inputFor(name, spec, prefill[name]));
  const intro: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: command.description } };
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: `/${command.name}`.slice(0, 24) },
    submit: { type: 'plain_text', text: 'Run' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [intro, ...inputs],
  };
}

export function readMetadata(raw: string): ModalMetadata | undefined {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The subset of a view_submission state this adapter reads (Bolt's ViewStateValue fits it). */
export interface SubmittedValue {
  readonly value?: string | null;
  readonly selected_option?: { readonly value: string } | null;
  readonly files?: readonly SubmittedFile[];
}
interface SubmittedFile {
  readonly name: string;
  readonly size?: number;
  readonly mimetype?: string;
  readonly url_private_download: string;
}
export type SubmittedState = Readonly<Record<string, Readonly<Record<string, SubmittedValue>>>>;

export type Submission =
  | { readonly status: 'valid'; readonly raw: RawOptions }
  /** Per-block messages Slack shows under the fields (`response_action: 'errors'`). */
  | { readonly status: 'invalid'; readonly errors: Record<string, string> };

/**
 * Reads and checks the submitted form before it is acknowledged, so a wrong file type or a too-large file is
 * shown under its field while the form is still open. Files become lazy downloads (nothing is fetched yet).
 */
export function readSubmission(command: Command, state: SubmittedState, download: SlackFileAccess): Submission {
  const raw: Record<string, RawValue> = {};
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const field = state[blockIdOf(name)]?.[VALUE];
    const file = field?.files?.[0];
    if (spec.type === 'attachment' && file) {
      if (file.size !== undefined && file.size > download.maxBytes) {
        errors[blockIdOf(name)] = `${file.name} is over the ${Math.round(download.maxBytes / 1024 / 1024)} MB limit.`;
        continue;
      }
      const size = file.size ?? 0;
      const source = { name: file.name, size, url: file.url_private_download };
      raw[name] = slackFileSource(file.mimetype ? { ...source, mimetype: file.mimetype } : source, download);
      continue;
    }
    const value = field?.selected_option?.value ?? field?.value ?? undefined;
    if (value !== undefined && value !== null && value !== '') raw[name] = value;
  }
  for (const [name, spec] of Object.entries(command.options)) {
    if (errors[blockIdOf(name)]) continue;
    const one = validateOptions({ [name]: spec }, { [name]: raw[name] });
    if (!one.ok) errors[blockIdOf(name)] = plainText([one.error.message, one.error.hint].filter(Boolean).join(' '));
  }
  return Object.keys(errors).length > 0 ? { status: 'invalid', errors } : { status: 'valid', raw };
}

function inputFor(name: string, spec: OptionSpec, prefill: RawValue | undefined): InputBlock {
  const initial = typeof prefill === 'string' || typeof prefill === 'number' ? String(prefill) : undefined;
  const base = {
    type: 'input' as const,
    block_id: blockIdOf(name),
    label: { type: 'plain_text' as const, text: name },
    hint: { type: 'plain_text' as const, text: spec.description.slice(0, 2000) },
    optional: !isRequired(spec),
  };
  switch (spec.type) {
    case 'attachment':
      return {
        ...base,
        element: {
          type: 'file_input',
          action_id: VALUE,
          max_files: 1,
          ...(spec.extensions ? { filetypes: [...spec.extensions] } : {}),
        },
      };
    case 'boolean': {
      // Typed text may say yes/on/1; the picker's values are true/false.
      const truthy = initial === undefined ? undefined : ['true', 'yes', 'on', '1'].includes(initial.toLowerCase());
      return { ...base, element: select([option('Yes', 'true'), option('No', 'false')], truthy?.toString()) };
    }
    case 'integer':
      return {
        ...base,
        element: {
          type: 'number_input',
          action_id: VALUE,
          is_decimal_allowed: false,
          ...(spec.min !== undefined ? { min_value: String(spec.min) } : {}),
          ...(spec.max !== undefined ? { max_value: String(spec.max) } : {}),
          ...(initial !== undefined ? { initial_value: initial } : {}),
        },
      };
    case 'string':
      if (spec.choices) {
        return {
          ...base,
          element: select(
            spec.choices.slice(0, 100).map((c) => option(c.name, c.value)),
            initial,
          ),
        };
      }
      return {
        ...base,
        element: {
          type: 'plain_text_input',
          action_id: VALUE,
          multiline: spec.maxLength === undefined || spec.maxLength > 150,
          ...(spec.maxLength !== undefined ? { max_length: Math.min(spec.maxLength, 3000) } : {}),
          ...(initial !== undefined ? { initial_value: initial } : {}),
        },
      };
  }
}

const option = (text: string, value: string): PlainTextOption => ({
  text: { type: 'plain_text', text: text.slice(0, 75) },
  value,
});

function select(options: PlainTextOption[], initial: string | undefined) {
  const chosen = options.find((o) => o.value === initial);
  return {
    type: 'static_select' as const,
    action_id: VALUE,
    options,
    ...(chosen ? { initial_option: chosen } : {}),
  };
}

/** Slack shows a field's error as plain text: `code` becomes “code” rather than showing its backticks. */
function plainText(text: string): string {
  const parts = text.split('`');
  if (parts.length % 2 === 0) return text;
  return parts.map((part, i) => (i % 2 === 1 ? `“${part}”` : part)).join('');
}
