import { type AppError, appError, err, ok, type Result } from '../domain/result.ts';
import type { FileSource } from '../ports/file-source.ts';
import {
  isRequired,
  type OptionSpec,
  type OptionSpecs,
  type OptionValues,
  type RawOptions,
  type RawValue,
} from './options.ts';

/** Checks raw platform values against a command's option specs: every surface gets the same rules and messages. */
export function validateOptions<O extends OptionSpecs>(specs: O, raw: RawOptions): Result<OptionValues<O>> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = raw[name];
    if (value === undefined || value === '') {
      if (isRequired(spec)) {
        return err(
          appError('input.missing_option', `The option \`${name}\` is required.`, `Give ${name}: ${spec.description}`),
        );
      }
      continue;
    }
    const checked = checkValue(name, spec, value);
    if (!checked.ok) return checked;
    values[name] = checked.value;
  }
  return ok(values as OptionValues<O>);
}

function checkValue(name: string, spec: OptionSpec, value: RawValue): Result<unknown> {
  switch (spec.type) {
    case 'string': {
      if (typeof value !== 'string') return wrongType(name, 'text');
      const trimmed = value.trim();
      if (spec.minLength !== undefined && trimmed.length < spec.minLength) {
        return err(appError('input.too_short', `\`${name}\` needs at least ${spec.minLength} characters.`));
      }
      if (spec.maxLength !== undefined && trimmed.length > spec.maxLength) {
        return err(
          appError(
            'input.too_long',
            `\`${name}\` is ${trimmed.length} characters long; the limit is ${spec.maxLength}.`,
            'Shorten it, or attach it as a file where the command takes one.',
          ),
        );
      }
      if (spec.choices && !spec.choices.some((c) => c.value === trimmed)) {
        const list = spec.choices.map((c) => `\`${c.value}\``).join(', ');
        return err(appError('input.not_a_choice', `\`${trimmed}\` is not a valid ${name}.`, `Pick one of: ${list}.`));
      }
      return ok(trimmed);
    }
    case 'integer': {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return wrongType(name, 'a whole number');
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        const range =
          spec.min !== undefined && spec.max !== undefined
            ? `from ${spec.min} to ${spec.max}`
            : spec.min !== undefined
              ? `at least ${spec.min}`
              : `at most ${spec.max}`;
        return err(appError('input.out_of_range', `\`${name}\` must be ${range}; got ${n}.`));
      }
      return ok(n);
    }
    case 'boolean': {
      if (typeof value === 'boolean') return ok(value);
      if (typeof value === 'string') {
        const v = value.trim().toLowerCase();
        if (['true', 'yes', 'on', '1'].includes(v)) return ok(true);
        if (['false', 'no', 'off', '0'].includes(v)) return ok(false);
      }
      return wrongType(name, 'true or false');
    }
    case 'attachment': {
      if (!isFileSource(value)) return wrongType(name, 'an attached file');
      const ext = value.name.includes('.') ? value.name.slice(value.name.lastIndexOf('.') + 1).toLowerCase() : '';
      if (spec.extensions && !spec.extensions.includes(ext)) {
        return err(
          appError(
            'input.bad_file_type',
            `\`${value.name}\` is not a ${spec.extensions.map((e) => `.${e}`).join(' or ')} file.`,
            'Attach a file of one of those types.',
          ),
        );
      }
      return ok(value);
    }
  }
}

const isFileSource = (value: RawValue): value is FileSource =>
  typeof value === 'object' && value !== null && typeof value.open === 'function';

const wrongType = (name: string, expected: string): Result<never, AppError> =>
  err(appError('input.wrong_type', `\`${name}\` must be ${expected}.`));
