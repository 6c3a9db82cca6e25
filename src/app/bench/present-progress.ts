import type { TextReply } from '../../chat/reply.ts';
import { duration, percent, progressBar } from '../../domain/bench/stats.ts';
import type { BenchProgress } from './deps.ts';

/** The progress message: a bar, rows done, ETA and running accuracy. */
export function progressReply(title: string, p: BenchProgress): TextReply {
  const bar = p.fraction === undefined ? '' : `${progressBar(p.fraction)} ${percent(p.fraction, 0)}`;
  const facts = [
    `${p.rowsDone.toLocaleString('en')} rows`,
    p.etaMs === undefined ? '' : `ETA ${duration(p.etaMs)}`,
    p.ungraded ? '' : `accuracy so far ${percent(p.accuracy)}`,
  ].filter(Boolean);
  return {
    kind: 'text',
    title,
    text: [bar, facts.join(' · '), p.detail ?? ''].filter(Boolean).join('\n'),
    footer: 'Cancel stops here and reports what is done.',
  };
}
