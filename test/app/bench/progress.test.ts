import { describe, expect, it } from 'vitest';
import { defaultBenchLimits } from '../../../src/app/bench/deps.ts';
import { progressReply } from '../../../src/app/bench/present-progress.ts';
import { ProgressPacer } from '../../../src/app/bench/progress.ts';

describe('ProgressPacer', () => {
  it('reports at most once per interval, with fraction and ETA from bytes read', () => {
    let now = 0;
    const seen: unknown[] = [];
    const pacer = new ProgressPacer({ clock: () => now, limits: defaultBenchLimits }, 1000, (p) => seen.push(p));
    now = 500;
    pacer.update(10, 100, 0.5);
    expect(seen).toHaveLength(0);
    now = 1000;
    pacer.update(20, 250, 0.75);
    now = 1500;
    pacer.update(30, 300, 0.75);
    expect(seen).toEqual([{ rowsDone: 20, fraction: 0.25, etaMs: 3000, accuracy: 0.75 }]);
  });

  it('renders a bar, rows, ETA and running accuracy', () => {
    const reply = progressReply('Scoring x.csv', { rowsDone: 12_345, fraction: 0.5, etaMs: 65_000, accuracy: 0.9123 });
    expect(reply.text).toBe('▓▓▓▓▓▓▓▓▓▓░░░░░░░░░░ 50%\n12,345 rows · ETA 1 min 05 s · accuracy so far 91.2%');
  });
});
