import { afterAll, beforeAll, beforeEach } from 'vitest';
import { BedrockTextModel } from '../../adapters/bedrock/bedrock-text-model.ts';
import { MemoryConversationStore } from '../../adapters/local/memory-conversation-store.ts';
import type { AskDeps } from '../../src/app/ask/deps.ts';
import type { ModelCatalog } from '../../src/domain/models/catalog.ts';
import { type PromptTemplates, promptTemplates } from '../../src/domain/models/prompt-templates.ts';
import { bedrockClientFor, type FakeBedrock, startFakeBedrock } from './fake-bedrock.ts';
import { aCatalog } from './models.ts';

export const testTemplates: PromptTemplates = promptTemplates([
  {
    name: 'pirate',
    description: 'Talk like a pirate',
    system: 'You are a pirate.',
    wrapper: 'Arr, answer this: {prompt}',
  },
]);

/**
 * AskDeps over the real BedrockTextModel and SDK client aimed at a fake Bedrock endpoint. Call `destroy()` in
 * teardown (it closes the client; the fake closes its own sessions).
 */
export type TestAskDeps = AskDeps & { destroy(): void };

export function askDepsFor(
  endpoint: string,
  overrides: Partial<AskDeps> & { catalog?: ModelCatalog; timeoutMs?: number } = {},
): TestAskDeps {
  const client = bedrockClientFor(endpoint);
  const catalog = overrides.catalog ?? aCatalog();
  let tick = 0;
  return {
    textModel: new BedrockTextModel(client, catalog, { timeoutMs: overrides.timeoutMs ?? 10_000 }),
    catalog,
    templates: testTemplates,
    conversations: new MemoryConversationStore(),
    // A fake monotonic clock: 25 ms per reading keeps latencies deterministic.
    clock: () => (tick += 25),
    now: () => new Date('2026-11-24T10:00:00Z'),
    ...overrides,
    destroy: () => client.destroy(),
  };
}

export interface AskOnFakeBedrock {
  readonly fake: FakeBedrock;
  readonly deps: TestAskDeps;
}

/**
 * For a `describe` block: one fake Bedrock (answering "OK" until a test sets a handler) and default `askDepsFor`
 * deps over it, started in beforeAll, the recorded requests cleared before each test, both closed in afterAll.
 * Read `fake` and `deps` inside tests and hooks: they exist only once beforeAll has run.
 */
export function askOnFakeBedrock(): AskOnFakeBedrock {
  let started: AskOnFakeBedrock | undefined;
  beforeAll(async () => {
    const fake = await startFakeBedrock();
    started = { fake, deps: askDepsFor(fake.endpoint) };
  });
  beforeEach(() => {
    if (started) started.fake.requests.length = 0;
  });
  afterAll(async () => {
    started?.deps.destroy();
    await started?.fake.close();
  });
  const current = (): AskOnFakeBedrock => {
    if (!started) throw new Error('askOnFakeBedrock: read fake and deps inside a test or hook, not at collection');
    return started;
  };
  return {
    get fake() {
      return current().fake;
    },
    get deps() {
      return current().deps;
    },
  };
}
