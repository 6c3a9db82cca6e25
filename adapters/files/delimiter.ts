const CANDIDATES = [',', '\t', ';', '|'] as const;

/**
 * Picks the delimiter from the first lines of a file: the candidate that appears the same non-zero number of
 * times (outside quotes) on the most lines. Commas win ties, then tabs, semicolons, pipes. A file with none of
 * them is one column, read with commas.
 */
export function detectDelimiter(sample: string, complete: boolean): string {
  const lines = splitLines(sample, complete).slice(0, 50);
  let best: { delimiter: string; consistent: number; mode: number } = { delimiter: ',', consistent: 0, mode: 0 };
  for (const delimiter of CANDIDATES) {
    const counts = lines.map((line) => countOutsideQuotes(line, delimiter));
    const mode = modeOf(counts);
    if (mode === 0) continue;
    const consistent = counts.filter((c) => c === mode).length;
    if (consistent > best.consistent || (consistent === best.consistent && mode > best.mode)) {
      best = { delimiter, consistent, mode };
    }
  }
  return best.delimiter;
}

/** Record lines of the sample; newlines inside quotes do not split. A trailing partial line is dropped. */
function splitLines(sample: string, complete: boolean): string[] {
  const lines: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (c === '\n' && !inQuotes) {
      lines.push(sample.slice(start, i));
      start = i + 1;
    }
  }
  if (complete && start < sample.length) lines.push(sample.slice(start));
  return lines.filter((l) => l.trim() !== '');
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let n = 0;
  let inQuotes = false;
  for (const c of line) {
    if (c === '"') inQuotes = !inQuotes;
    else if (c === delimiter && !inQuotes) n++;
  }
  return n;
}

function modeOf(values: readonly number[]): number {
  const freq = new Map<number, number>();
  for (const v of values) freq.set(v, (freq.get(v) ?? 0) + 1);
  let mode = 0;
  let top = 0;
  for (const [v, f] of freq) {
    if (f > top || (f === top && v > mode)) {
      mode = v;
      top = f;
    }
  }
  return mode;
}
