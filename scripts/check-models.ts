/**
 * `npm run check:models` (operators, real AWS credentials): one tiny ConverseStream per model of MODELS_FILE in
 * AWS_REGION, printing which ids work and, for the others, why (model access, a profile id needed, a profile of
 * another geography, quota). Costs a few dozen tokens per model. Run it after changing AWS_REGION or the models.
 */
import { config as loadDotenv } from 'dotenv';
import { createBedrockTextClient } from '../adapters/bedrock/bedrock-client.ts';
import { BedrockTextModel } from '../adapters/bedrock/bedrock-text-model.ts';
import { loadModelCatalog } from '../adapters/local/config-files.ts';
import { checkModels } from '../src/app/ask/check-models.ts';
import { loadConfig } from '../src/config.ts';
import { profileRegionWarnings } from '../src/domain/models/profile-region.ts';

loadDotenv({ quiet: true });

async function main(): Promise<number> {
  const { env } = loadConfig();
  const catalog = await loadModelCatalog(env.MODELS_FILE, {
    defaultModel: env.ASK_DEFAULT_MODEL,
    fallbackChain: env.ASK_FALLBACK_CHAIN,
  });
  console.log(`Checking ${catalog.models.length} models of ${env.MODELS_FILE} in ${env.AWS_REGION}…`);
  for (const warning of profileRegionWarnings(catalog.models, env.AWS_REGION)) console.log(`  warning: ${warning}`);
  // One attempt each: a throttled model is reported as such, not retried into a longer bill.
  const client = createBedrockTextClient({
    region: env.AWS_REGION,
    maxAttempts: 1,
    ...(env.BEDROCK_ENDPOINT ? { endpoint: env.BEDROCK_ENDPOINT } : {}),
  });
  const textModel = new BedrockTextModel(client, catalog, { timeoutMs: 30_000, maxDurationMs: 60_000 });
  try {
    const checks = await checkModels({ textModel, catalog, clock: () => performance.now() }, (check) => {
      const id = `${check.model.id} (${check.model.bedrockId})`;
      if (check.ok) console.log(`  ok    ${id}: ${Math.round(check.latencyMs)} ms`);
      else console.log(`  FAIL  ${id}: ${check.code}: ${check.message}`);
    });
    const failed = checks.filter((c) => !c.ok).length;
    console.log(failed === 0 ? 'All models answered.' : `${failed} of ${checks.length} models did not answer.`);
    return failed === 0 ? 0 : 1;
  } finally {
    client.destroy();
  }
}

process.exitCode = await main();
