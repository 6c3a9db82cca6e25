import type { ModelInfo } from './catalog.ts';

/**
 * Which regions an inference-profile prefix can be called from (Bedrock "Supported Regions and models for
 * inference profiles"): a geo profile only from its own geography, `global.` from any commercial region.
 */
const PREFIXES: readonly { readonly prefix: string; readonly fits: (region: string) => boolean }[] = [
  { prefix: 'us-gov.', fits: (r) => r.startsWith('us-gov-') },
  { prefix: 'us.', fits: (r) => r.startsWith('us-') && !r.startsWith('us-gov-') },
  { prefix: 'eu.', fits: (r) => r.startsWith('eu-') },
  { prefix: 'apac.', fits: (r) => r.startsWith('ap-') },
  { prefix: 'jp.', fits: (r) => r === 'ap-northeast-1' || r === 'ap-northeast-3' },
  { prefix: 'au.', fits: (r) => r === 'ap-southeast-2' || r === 'ap-southeast-4' },
  { prefix: 'ca.', fits: (r) => r.startsWith('ca-') },
  { prefix: 'global.', fits: (r) => !r.startsWith('us-gov-') && !r.startsWith('cn-') },
];

/** One line per catalog model whose profile prefix cannot be called from `region` (logged at startup). */
export function profileRegionWarnings(models: readonly ModelInfo[], region: string): string[] {
  const warnings: string[] = [];
  for (const model of models) {
    const profile = PREFIXES.find((p) => model.bedrockId.startsWith(p.prefix));
    if (!profile || profile.fits(region)) continue;
    warnings.push(
      `${model.id}: bedrockId \`${model.bedrockId}\` is a \`${profile.prefix}\` inference profile, which cannot be ` +
        `called from AWS_REGION=${region}; set AWS_REGION to a region of that geography or use the profile of ` +
        `${region}'s geography (or \`global.\`) in MODELS_FILE.`,
    );
  }
  return warnings;
}
