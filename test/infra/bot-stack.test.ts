import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { COORDINATION_KEY, COORDINATION_TTL_ATTRIBUTE } from '../../adapters/aws/dynamo-coordination-table.ts';
import { BotStack, OPS_PORT, READY_PATH, shardClusters } from '../../infra/bot-stack.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, unknown> };

let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  const app = new App();
  // What the orders, knowledge and batch stacks hand over, as real constructs in a stack of their own.
  const deps = new Stack(app, 'Deps');
  const notifications = new sqs.Queue(deps, 'Notifications');
  const knowledgePolicy = new iam.ManagedPolicy(deps, 'KnowledgePolicy', {
    statements: [
      new iam.PolicyStatement({
        actions: ['bedrock:Retrieve'],
        resources: ['arn:aws:bedrock:us-east-1:1:knowledge-base/KB'],
      }),
    ],
  });
  const batchBucket = new s3.Bucket(deps, 'BatchBucket');
  const stack = new BotStack(app, 'Bot', {
    image: ecs.ContainerImage.fromRegistry('sonicord:test'),
    models: [
      { bedrockId: 'us.amazon.nova-lite-v1:0', baseModelId: 'amazon.nova-lite-v1:0' },
      {
        bedrockId: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
        baseModelId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      },
      { bedrockId: 'amazon.titan-embed-text-v2:0', baseModelId: 'amazon.titan-embed-text-v2:0' },
    ],
    shards: { total: 4, perCluster: 2 },
    orders: {
      stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:sonicord-orders',
      stateMachineName: 'sonicord-orders',
      notifications,
    },
    knowledge: { policy: knowledgePolicy, environment: { KB_MODE: 'aws', KB_KNOWLEDGE_BASE_ID: 'KB' } },
    batch: { bucketArn: batchBucket.bucketArn, serviceRoleArn: 'arn:aws:iam::1:role/bedrock-batch' },
  });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
  // Synthesis takes seconds alone and half a minute on a busy machine.
}, 180_000);

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
const containers = () =>
  ofType('AWS::ECS::TaskDefinition').map(
    (t) => (t.Properties.ContainerDefinitions as Record<string, unknown>[])[0] ?? {},
  );
const envOf = (container: Record<string, unknown>) =>
  Object.fromEntries((container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]));
const secretsOf = (container: Record<string, unknown>) =>
  ((container.Secrets ?? []) as { Name: string; ValueFrom: unknown }[]).map((s) => ({
    name: s.Name,
    from: JSON.stringify(s.ValueFrom),
  }));
const taskRoleStatements = (): Statement[] => {
  const role = Object.entries(resources).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('BotTaskRole'));
  expect(role).toBeDefined();
  const [roleId] = role ?? [''];
  return ofType('AWS::IAM::Policy')
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
};
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('BotStack (synthesized offline)', () => {
  it('splits the shards into services of one task each, never two at once during a deploy', () => {
    const shardServices = ofType('AWS::ECS::Service').filter((s) => s.Properties.LoadBalancers === undefined);
    expect(shardServices).toHaveLength(2);
    for (const service of shardServices) {
      expect(service.Properties).toMatchObject({
        DesiredCount: 1,
        LaunchType: 'FARGATE',
        DeploymentConfiguration: { MinimumHealthyPercent: 0, MaximumPercent: 100 },
      });
    }
    const shardEnvs = containers()
      .map(envOf)
      .filter((e) => e.DISCORD_SHARD_IDS !== undefined);
    expect(shardEnvs.map((e) => e.DISCORD_SHARD_IDS).sort()).toEqual(['0-1', '2-3']);
    expect(shardEnvs.every((e) => e.DISCORD_SHARDS === '4' && e.SHARED_STATE === 'dynamodb')).toBe(true);
    // Exactly one process relays order notifications.
    expect(shardEnvs.filter((e) => e.ORDERS_NOTIFICATIONS_QUEUE_URL !== undefined)).toHaveLength(1);
  });

  it('reads tokens from Secrets Manager and never puts one in the environment', () => {
    for (const container of containers()) {
      const env = envOf(container);
      expect(Object.keys(env).filter((k) => /TOKEN|SECRET/.test(k))).toEqual([]);
      for (const secret of secretsOf(container)) expect(secret.from).toMatch(/secretsmanager.*sonicord\/bot/);
    }
    const names = containers().flatMap((c) => secretsOf(c).map((s) => s.name));
    expect(new Set(names)).toEqual(
      new Set(['DISCORD_TOKEN', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'METRICS_TOKEN']),
    );
    expect(JSON.stringify(containers())).toContain(':discordToken::');
  });

  it('runs the Slack HTTP service behind a public ALB, checked on the ops /readyz, scaled on CPU and requests', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    // Slack's requests go to the Slack port; the health checks to the ops port.
    template.hasResourceProperties('AWS::ECS::Service', {
      LoadBalancers: [Match.objectLike({ ContainerName: 'bot', ContainerPort: 3001 })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: READY_PATH,
      HealthCheckPort: String(OPS_PORT),
    });
    const slack = containers()
      .map(envOf)
      .find((e) => e.SLACK_PORT !== undefined);
    expect(slack).toMatchObject({ SLACK_MODE: 'http', SLACK_PORT: '3001', OPS_PORT: String(OPS_PORT) });
    expect(slack?.DISCORD_SHARD_IDS).toBeUndefined();
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 6 });
    const metrics = ofType('AWS::ApplicationAutoScaling::ScalingPolicy').map(
      (p) =>
        (
          p.Properties.TargetTrackingScalingPolicyConfiguration as {
            PredefinedMetricSpecification: { PredefinedMetricType: string };
          }
        ).PredefinedMetricSpecification.PredefinedMetricType,
    );
    expect(metrics.sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
    // The ALB may reach the ops port for its health checks.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: OPS_PORT, ToPort: OPS_PORT });
  });

  it('health-checks every container on the ops readiness path and logs to one group with retention', () => {
    for (const container of containers()) {
      expect(JSON.stringify((container.HealthCheck as { Command: string[] }).Command)).toContain(
        `:${OPS_PORT}${READY_PATH}`,
      );
    }
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('keeps the coordination table in step with the adapter (key, TTL attribute)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'sonicord-coordination',
      KeySchema: [{ AttributeName: COORDINATION_KEY, KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: COORDINATION_TTL_ATTRIBUTE, Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
    });
  });

  it('keeps usage in a budgets table the adapter can use, and opens the ops port to probes with /metrics behind a token', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'sonicord-budgets',
      KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const budgets = taskRoleStatements().find((s) => JSON.stringify(s.Resource).includes('Budgets'));
    expect(actionsOf(budgets ?? { Action: [], Resource: '', Effect: '' }).sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
    ]);
    const definitions = template.findResources('AWS::ECS::TaskDefinition');
    expect(Object.keys(definitions).length).toBeGreaterThan(1);
    for (const definition of Object.values(definitions)) {
      const [container] = (definition.Properties as { ContainerDefinitions: Record<string, unknown>[] })
        .ContainerDefinitions as { Environment: { Name: string; Value: unknown }[]; Secrets: { Name: string }[] }[];
      const env = Object.fromEntries((container?.Environment ?? []).map((e) => [e.Name, e.Value]));
      expect(env.OPS_HOST).toBe('0.0.0.0');
      expect(env.BUDGETS_STORE).toBe('dynamodb');
      expect((container?.Secrets ?? []).map((x) => x.Name)).toContain('METRICS_TOKEN');
    }
  });

  it('gives the task role only the calls the bot makes, on named resources', () => {
    const statements = taskRoleStatements();
    const all = statements.flatMap(actionsOf);
    expect(all.filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
    // Only services without resource-level permissions get `*`.
    const wildcard = statements.filter((s) => JSON.stringify(s.Resource) === '"*"').flatMap(actionsOf);
    expect(wildcard.sort()).toEqual([
      'polly:SynthesizeSpeech',
      'transcribe:StartStreamTranscription',
      'transcribe:StartStreamTranscriptionWebSocket',
    ]);
    const invoke = statements.find((s) => actionsOf(s).includes('bedrock:InvokeModel'));
    const invokeResources = JSON.stringify(invoke?.Resource);
    expect(invokeResources).toContain('foundation-model/amazon.nova-lite-v1:0');
    expect(invokeResources).toContain('inference-profile/us.amazon.nova-lite-v1:0');
    expect(invokeResources).toContain('inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0');
    // A foundation model called by its own id needs no inference-profile entry.
    expect(invokeResources).not.toContain('inference-profile/amazon.titan');
    const sonic = statements.find((s) => actionsOf(s).includes('bedrock:InvokeModelWithBidirectionalStream'));
    expect(JSON.stringify(sonic?.Resource)).toContain('foundation-model/amazon.nova-2-sonic-v1:0');

    const coordination = statements.find((s) => JSON.stringify(s.Resource).includes('Coordination'));
    expect(actionsOf(coordination ?? { Action: [], Resource: '', Effect: '' }).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(all).toEqual(expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution']));
    expect(all).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    expect(all).not.toContain('sqs:SendMessage');
    expect(all).toEqual(expect.arrayContaining(['bedrock:CreateModelInvocationJob', 'iam:PassRole', 's3:PutObject']));
    const batchObjects = statements.find((s) => actionsOf(s).includes('s3:PutObject'));
    expect(JSON.stringify(batchObjects?.Resource)).toContain('BatchBucket');
    const passRole = statements.find((s) => actionsOf(s).includes('iam:PassRole'));
    expect(passRole?.Resource).toBe('arn:aws:iam::1:role/bedrock-batch');
    expect(passRole?.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } });
    // The knowledge stack's own bot policy is attached as is.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.anyValue(),
    });
  });
});

describe('shardClusters', () => {
  it('gives each service a contiguous range of shard ids', () => {
    expect(shardClusters({ total: 8, perCluster: 4 })).toEqual(['0-3', '4-7']);
    expect(shardClusters({ total: 5, perCluster: 2 })).toEqual(['0-1', '2-3', '4']);
    expect(shardClusters({ total: 1, perCluster: 16 })).toEqual(['0']);
  });

  it('refuses a shard count that is not a whole number from 1, saying what it got', () => {
    expect(() => shardClusters({ total: 0, perCluster: 1 })).toThrow(/whole numbers from 1 \(got 0, 1\)/);
  });
});
