import type { AppDeps } from '../app/deps.ts';
import type { FileSource } from '../ports/file-source.ts';
import type { Invoker } from './context.ts';

export interface Choice {
  readonly name: string;
  readonly value: string;
}

interface BaseOption {
  readonly description: string;
  /** Defaults to true. */
  readonly required?: boolean;
}

export interface StringOption extends BaseOption {
  readonly type: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
  /** A fixed list shown as a picker. */
  readonly choices?: readonly Choice[];
  /** Suggestions while typing (Discord autocomplete, playground datalist, Slack usage text). */
  readonly autocomplete?: (
    query: string,
    who: Invoker,
    deps: AppDeps,
  ) => Promise<readonly Choice[]> | readonly Choice[];
}

export interface IntegerOption extends BaseOption {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanOption extends BaseOption {
  readonly type: 'boolean';
}

export interface AttachmentOption extends BaseOption {
  readonly type: 'attachment';
  /** Lower-case extensions without the dot, e.g. ['csv', 'xlsx']. */
  readonly extensions?: readonly string[];
}

export type OptionSpec = StringOption | IntegerOption | BooleanOption | AttachmentOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends StringOption
  ? string
  : S extends IntegerOption
    ? number
    : S extends BooleanOption
      ? boolean
      : S extends AttachmentOption
        ? FileSource
        : never;

type RequiredKeys<O extends OptionSpecs> = { [K in keyof O]: O[K]['required'] extends false ? never : K }[keyof O];
type OptionalKeys<O extends OptionSpecs> = Exclude<keyof O, RequiredKeys<O>>;

/** The typed values a command's run function receives, derived from its option specs. */
export type OptionValues<O extends OptionSpecs> = { readonly [K in RequiredKeys<O>]: ValueOf<O[K]> } & {
  readonly [K in OptionalKeys<O>]?: ValueOf<O[K]>;
};

/** Raw values as a platform delivers them, before validation. */
export type RawValue = string | number | boolean | FileSource;
export type RawOptions = Readonly<Record<string, RawValue | undefined>>;

export const isRequired = (spec: OptionSpec): boolean => spec.required !== false;
