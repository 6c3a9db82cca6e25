import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { parseZonesFile } from '../src/domain/orders/config-files.ts';
import { BotStack } from './bot-stack.ts';
import { KnowledgeStack } from './kb-stack.ts';
import { OrderStack } from './order-stack.ts';

/**
 * The CDK app: `node infra/app.ts` synthesizes into cdk.out without the CLI; deploy with the pinned CLI
 * (`npx aws-cdk@2.1148.1 deploy --app cdk.out`, see infra/README.md). No context lookups: it synthesizes offline.
 */
const root = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));
const bundle = root('infra/dist/order-task');
const reconcilerBundle = root('infra/dist/order-reconciler');
for (const dir of [bundle, reconcilerBundle]) {
  if (!existsSync(`${dir}/index.mjs`)) {
    throw new Error(`A Lambda is not bundled: ${dir}/index.mjs is missing. Bundle it first (infra/README.md, step 1).`);
  }
}

const app = new App({ outdir: process.env.CDK_OUTDIR ?? root('cdk.out') });
const orders = new OrderStack(app, process.env.ORDERS_STACK_NAME ?? 'SonicordOrders', {
  taskCode: lambda.Code.fromAsset(bundle),
  reconcilerCode: lambda.Code.fromAsset(reconcilerBundle),
  ...(process.env.ORDERS_ALARM_EMAIL ? { alarmEmail: process.env.ORDERS_ALARM_EMAIL } : {}),
  deliveryZones: parseZonesFile(
    JSON.parse(readFileSync(root('config/delivery-zones.json'), 'utf8')),
    'config/delivery-zones.json',
  ),
  description:
    'Sonicord delivery orders: tables, status topic, task Lambda, Standard state machine from order.asl.json',
  // The CLI sets these from the profile; without them the stack is environment-agnostic (synth works offline).
  ...(process.env.CDK_DEFAULT_ACCOUNT
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' } }
    : {}),
});
const knowledge = new KnowledgeStack(app, process.env.KB_STACK_NAME ?? 'SonicordKnowledge', {
  description: 'Sonicord knowledge base: documents bucket, Bedrock Knowledge Base on S3 Vectors, Express prompt chain',
  ...(process.env.CDK_DEFAULT_ACCOUNT
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' } }
    : {}),
});
// The bot itself on ECS Fargate (infra/bot-stack.ts): DISCORD_SHARDS shards, BOT_SHARDS_PER_CLUSTER per service.
const catalog = JSON.parse(readFileSync(root('config/models.json'), 'utf8')) as {
  models: { bedrockId: string; baseModelId: string }[];
};
new BotStack(app, process.env.BOT_STACK_NAME ?? 'SonicordBot', {
  description: 'Sonicord bot: Discord shard services and the Slack HTTP service behind an ALB, on ECS Fargate',
  image: ecs.ContainerImage.fromAsset(root('.')),
  models: [
    ...catalog.models.map(({ bedrockId, baseModelId }) => ({ bedrockId, baseModelId })),
    { bedrockId: 'amazon.titan-embed-text-v2:0', baseModelId: 'amazon.titan-embed-text-v2:0' },
  ],
  shards: {
    total: Number(process.env.DISCORD_SHARDS ?? 1),
    perCluster: Number(process.env.BOT_SHARDS_PER_CLUSTER ?? 16),
  },
  orders: {
    stateMachineArn: orders.stateMachine.stateMachineArn,
    stateMachineName: 'sonicord-orders',
    notifications: orders.notifications,
  },
  knowledge: {
    policy: knowledge.botPolicy,
    environment: {
      KB_MODE: 'aws',
      KB_KNOWLEDGE_BASE_ID: knowledge.knowledgeBase.attrKnowledgeBaseId,
      KB_CHAIN_STATE_MACHINE_ARN: knowledge.chain.stateMachineArn,
    },
  },
  ...(process.env.CDK_DEFAULT_ACCOUNT
    ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'us-east-1' } }
    : {}),
});
app.synth();
