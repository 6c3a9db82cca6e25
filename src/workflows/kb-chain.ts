import { z } from 'zod';
import type { KbHit } from '../domain/knowledge/types.ts';
import type { ChainInput, ChainOutput } from '../ports/knowledge.ts';

/** The one ASL file of the knowledge chain: the local runner reads it, CDK deploys it as an Express workflow. */
export const KB_CHAIN_ASL_URL = new URL('./kb-chain.asl.json', import.meta.url);

/** Placeholders CDK substitutes (the model of the chain's two small calls, the knowledge base id). */
export const KB_CHAIN_PLACEHOLDERS = ['ChainModelId', 'KnowledgeBaseId'] as const;
export type KbChainSubstitutions = Record<(typeof KB_CHAIN_PLACEHOLDERS)[number], string>;

/** The Task states, and what each does; a test checks that every Task has a local handler. */
export const KB_CHAIN_TASKS = {
  InsertKeywords: 'invokeModel',
  NeedsRetrieval: 'invokeModel',
  Retrieve: 'retrieve',
} as const;

export function substitute(definitionText: string, values: KbChainSubstitutions): string {
  let text = definitionText;
  for (const key of KB_CHAIN_PLACEHOLDERS) text = text.replaceAll(`\${${key}}`, values[key]);
  return text;
}

/** How the execution input is built from the port's input (history as plain lines, last 6 turns). */
export function chainExecutionInput(input: ChainInput, limit: number) {
  const history = (input.history ?? [])
    .slice(-6)
    .map((t) => `${t.role}: ${t.text.replace(/\s+/g, ' ').slice(0, 500)}`)
    .join(' | ');
  return { question: input.question, history: history === '' ? '(none)' : history, limit };
}

// What Retrieve returns through the AWS SDK integration (PascalCase), as the Pass states hand it on.
const resultSchema = z.object({
  Content: z.object({ Text: z.string() }).partial().optional(),
  Location: z
    .object({ S3Location: z.object({ Uri: z.string() }).partial().optional() })
    .partial()
    .optional(),
  Metadata: z.record(z.string(), z.unknown()).optional(),
  Score: z.number().optional(),
});
const outputSchema = z.object({
  keywords: z.string().default(''),
  retrieval: z.enum(['done', 'skipped', 'failed']),
  results: z.array(resultSchema).default([]),
  error: z.string().optional(),
});

export type RetrievalResult = z.infer<typeof resultSchema>;

/** The chain's output (local or from StartSyncExecution) as the port's type; `undefined` if it is not that shape. */
export function parseChainOutput(output: unknown): ChainOutput | undefined {
  const parsed = outputSchema.safeParse(output);
  if (!parsed.success) return undefined;
  const { keywords, retrieval, results, error } = parsed.data;
  const hits = results.map(hitOf).filter((h): h is KbHit => h !== undefined);
  return { keywords: keywords.trim(), retrieval, hits, ...(error === undefined ? {} : { error }) };
}

function hitOf(result: RetrievalResult, index: number): KbHit | undefined {
  const text = result.Content?.Text;
  if (!text) return undefined;
  const meta = result.Metadata ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const uri = result.Location?.S3Location?.Uri ?? '';
  const source = str(meta.source) ?? (uri.split('/').at(-1) || 'knowledge base');
  return {
    chunkId: str(meta['x-amz-bedrock-kb-chunk-id']) ?? str(meta.chunkId) ?? `${uri}#${index}`,
    source,
    section: str(meta.section) ?? source,
    text,
    score: result.Score ?? 0,
  };
}

/** A hit as Retrieve would return it: what the local Retrieve handler answers, so both runs share one output path. */
export const asRetrievalResult = (hit: KbHit): RetrievalResult => ({
  Content: { Text: hit.text },
  Location: { S3Location: { Uri: `kb://local/${hit.source}` } },
  Metadata: { source: hit.source, section: hit.section, chunkId: hit.chunkId },
  Score: hit.score,
});
