import { createBedrockTextClient } from '../../adapters/bedrock/bedrock-client.ts';
import { SdkCredentialsProbe } from '../../adapters/bedrock/credentials-probe.ts';
import { AwsAccess } from '../app/aws-access.ts';
import { startupSummary } from '../app/startup-summary.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../ports/logger.ts';
import type { StartedSurfaces } from './surfaces.ts';

/** AWS credentials, checked in the background while the rest starts (the SDK's default chain; nothing is sent). */
export function composeAwsAccess(config: Config): { aws: AwsAccess; checked: Promise<unknown> } {
  const aws = new AwsAccess();
  const region = config.env.AWS_REGION;
  const checked = aws.check(new SdkCredentialsProbe(createBedrockTextClient({ region })));
  return { aws, checked };
}

const platformNames = { discord: 'Discord', slack: 'Slack', web: 'playground' } as const;

/** Logs what started and what works without AWS credentials, in plain words, once the check has answered. */
export function logStartupSummary(
  config: Config,
  log: Logger,
  input: { running: StartedSurfaces; aws: AwsAccess; resumedOrders: number },
): string[] {
  const { env } = config;
  const notStarted = [
    ...(config.discordEnabled ? [] : ['Discord (no DISCORD_TOKEN)']),
    ...(config.slackEnabled ? [] : ['Slack (no SLACK_BOT_TOKEN)']),
    ...(config.playgroundEnabled ? [] : ['playground (PLAYGROUND=off, or a platform token is set)']),
  ];
  const lines = startupSummary({
    started: input.running.surfaces.map((s) => ({
      name: platformNames[s.platform],
      ...(s.platform === 'web' && input.running.playgroundUrl ? { where: input.running.playgroundUrl } : {}),
    })),
    notStarted,
    aws: input.aws.status,
    region: env.AWS_REGION,
    ordersMode: env.ORDERS_MODE,
    dataDir: env.DATA_DIR,
    resumedOrders: input.resumedOrders,
  });
  log.info(
    {
      surfaces: input.running.surfaces.map((s) => s.platform),
      aws: input.aws.status,
      ordersMode: env.ORDERS_MODE,
      resumedOrders: input.resumedOrders,
    },
    `Sonicord is running. ${lines.join(' ')}`,
  );
  return lines;
}
