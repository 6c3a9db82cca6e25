import { describe, expect, it } from 'vitest';
import { profileRegionWarnings } from '../../../src/domain/models/profile-region.ts';
import { aModel } from '../../support/models.ts';

const models = [
  aModel('us-nova', { bedrockId: 'us.amazon.nova-lite-v1:0' }),
  aModel('eu-nova', { bedrockId: 'eu.amazon.nova-lite-v1:0' }),
  aModel('global-haiku', { bedrockId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0' }),
  aModel('base', { bedrockId: 'amazon.nova-micro-v1:0' }),
  aModel('jp-haiku', { bedrockId: 'jp.anthropic.claude-haiku-4-5-20251001-v1:0' }),
];
const flagged = (region: string) => profileRegionWarnings(models, region).map((w) => w.split(':')[0]);

describe('profileRegionWarnings', () => {
  it('flags profile prefixes that do not fit AWS_REGION, naming the id, the region and what to set', () => {
    expect(flagged('us-east-1')).toEqual(['eu-nova', 'jp-haiku']);
    expect(flagged('eu-central-1')).toEqual(['us-nova', 'jp-haiku']);
    expect(flagged('ap-northeast-1')).toEqual(['us-nova', 'eu-nova']);
    const [line] = profileRegionWarnings(models, 'eu-west-3');
    expect(line).toContain('`us.amazon.nova-lite-v1:0`');
    expect(line).toContain('AWS_REGION=eu-west-3');
    expect(line).toContain('MODELS_FILE');
  });

  it('lets global. go anywhere commercial, and leaves base ids alone', () => {
    expect(flagged('sa-east-1')).toEqual(['us-nova', 'eu-nova', 'jp-haiku']);
    expect(flagged('us-gov-west-1')).toContain('global-haiku');
    expect(flagged('us-gov-west-1')).not.toContain('base');
  });
});
