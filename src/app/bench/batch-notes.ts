import { BATCH_PRICE_FACTOR } from '../../domain/bench/batch-price.ts';
import type { RunReport } from './run-report.ts';

/** The reply's lines on how the answers were obtained: on demand and why, or the batch jobs and their outcome. */
export function pathNotes(report: RunReport): string[] {
  const path = report.path;
  if (!path) return [];
  if (path.kind === 'on_demand') return [`Asked on demand: ${path.reason}`];
  const jobs = path.jobs ?? [];
  const lines = [
    `Answered by Amazon Bedrock batch inference (${path.reason}); tokens billed at the batch price, ${Math.round(BATCH_PRICE_FACTOR * 100)}% of on-demand. Batch answers have no per-call latency.`,
  ];
  const unhappy = jobs.filter((j) => j.status !== 'Completed');
  const failedRecords = jobs.reduce((n, j) => n + (j.failed ?? 0), 0);
  const listed = jobs
    .slice(0, MAX_LISTED)
    .map((j) => `${j.name} ${j.status} (${j.records.toLocaleString('en')} records)`);
  const more = jobs.length > MAX_LISTED ? ` and ${jobs.length - MAX_LISTED} more` : '';
  lines.push(`${jobs.length} job${jobs.length === 1 ? '' : 's'}: ${listed.join(', ')}${more}.`);
  if (failedRecords > 0)
    lines.push(`${failedRecords.toLocaleString('en')} records failed inside the jobs: they count as errors.`);
  for (const j of unhappy.slice(0, MAX_LISTED)) if (j.message) lines.push(`${j.name}: ${j.message}`);
  return lines;
}

const MAX_LISTED = 6;
