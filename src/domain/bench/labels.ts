import { appError, err, ok, type Result } from '../result.ts';
import { type Comparison, compareKey } from './normalize.ts';

/**
 * A label mapping as users write it: `pos=1|positive,neg=0|negative`. Each class name is followed by the values
 * that mean it; the name itself always counts too. Values are compared after the chosen normalisation.
 */
export interface LabelMapping {
  readonly classes: readonly string[];
  /** Comparison key of a cell value -> class name. */
  readonly lookup: ReadonlyMap<string, string>;
}

export function parseLabelMapping(text: string, comparison: Comparison): Result<LabelMapping> {
  const lookup = new Map<string, string>();
  const classes: string[] = [];
  const hint = 'Write it as `class=value|other value,class2=value`, for example `labels:"pos=1|positive,neg=0"`.';
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    if (name === '') return err(appError('bench.bad_labels', `The label entry “${entry}” has no class name.`, hint));
    const values = eq < 0 ? [] : entry.slice(eq + 1).split('|');
    classes.push(name);
    for (const raw of [name, ...values]) {
      const key = compareKey(raw.trim(), comparison);
      if (key === '') continue;
      const previous = lookup.get(key);
      if (previous !== undefined && previous !== name) {
        return err(appError('bench.bad_labels', `“${raw.trim()}” is given for both ${previous} and ${name}.`, hint));
      }
      lookup.set(key, name);
    }
  }
  if (classes.length < 2) {
    return err(appError('bench.bad_labels', 'A label mapping needs at least two classes.', hint));
  }
  return ok({ classes, lookup });
}

/** The class a cell means: `undefined` when the mapping does not know the value. */
export const mapLabel = (mapping: LabelMapping, key: string): string | undefined => mapping.lookup.get(key);
