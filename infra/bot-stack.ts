import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { COORDINATION_KEY, COORDINATION_TTL_ATTRIBUTE } from '../adapters/aws/dynamo-coordination-table.ts';
import { botTaskRole, type InvokedModel } from './bot-task-role.ts';

export interface BotStackProps extends StackProps {
  /** The bot's image: `ContainerImage.fromAsset(<repo root>)` (the Dockerfile) in infra/app.ts; a registry image in tests. */
  readonly image: ecs.ContainerImage;
  /** Models the bot may call (config/models.json). */
  readonly models: readonly InvokedModel[];
  readonly sonicModelId?: string;
  /** Discord gateway shards of the whole bot, and how many one service (one process, one task) runs. */
  readonly shards: { readonly total: number; readonly perCluster: number };
  /** Slack HTTP service behind the ALB: task count bounds for autoscaling (default 2 to 6). */
  readonly slack?: { readonly minTasks?: number; readonly maxTasks?: number };
  /** Secrets Manager secret (JSON keys discordToken, slackBotToken, slackSigningSecret), created before deploy. */
  readonly secretName?: string;
  readonly orders: {
    readonly stateMachineArn: string;
    readonly stateMachineName: string;
    /** One service consumes it (shard cluster 0): SQS hands each message to one receiver. */
    readonly notifications?: sqs.IQueue;
    readonly tables?: Partial<Record<'orders' | 'catalog' | 'conversations', string>>;
  };
  readonly knowledge?: { readonly policy: iam.IManagedPolicy; readonly environment: Record<string, string> };
  readonly batch?: { readonly bucketArn: string; readonly serviceRoleArn: string };
  /** The ops server's port (health, readiness, metrics): OPS_PORT. */
  readonly opsPort?: number;
  readonly slackPort?: number;
}

export const OPS_PORT = 9464;

/**
 * A construct where the CDK asks for its interface: under our `exactOptionalPropertyTypes` a class such as `Vpc`
 * (`vpnGatewayId?: string`) is not assignable to its own interface (`IVpc`), though it implements it at run time.
 */
const asInterface = <T>(construct: T | object): T => construct as T;
export const READY_PATH = '/readyz';

/**
 * The bot on ECS Fargate beside the orders stack: one service per Discord shard cluster (one task each, never two
 * at once: two processes on one shard would answer every command twice), and the Slack HTTP service behind an ALB
 * that scales on CPU and requests. Every task shares the coordination table (Slack delivery claims, voice leases,
 * the Slack edit budget), reads its tokens from Secrets Manager, and logs to one group.
 */
export class BotStack extends Stack {
  readonly coordination: dynamodb.Table;
  readonly budgets: dynamodb.Table;
  readonly shardServices: ecs.FargateService[] = [];
  readonly slackService: ecsPatterns.ApplicationLoadBalancedFargateService;

  constructor(scope: Construct, id: string, props: BotStackProps) {
    super(scope, id, props);
    const opsPort = props.opsPort ?? OPS_PORT;
    const slackPort = props.slackPort ?? 3001;
    const tables = {
      orders: 'sonicord-orders',
      catalog: 'sonicord-catalog',
      conversations: 'sonicord-conversations',
      ...props.orders.tables,
    };

    // Public subnets only, no NAT gateway: tasks reach Discord, Slack and AWS APIs directly; nothing listens publicly
    // but the ALB (security groups admit only it).
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }],
    });
    const cluster = asInterface<ecs.ICluster>(
      new ecs.Cluster(this, 'Cluster', {
        vpc: asInterface<ec2.IVpc>(vpc),
        containerInsightsV2: ecs.ContainerInsights.ENABLED,
      }),
    );

    // Same key and TTL attribute as adapters/aws/dynamo-coordination-table.ts (which creates it on dynalite).
    this.coordination = new dynamodb.Table(this, 'Coordination', {
      tableName: 'sonicord-coordination',
      partitionKey: { name: COORDINATION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: COORDINATION_TTL_ATTRIBUTE,
      // Claims, leases and buckets live minutes: nothing to keep if the stack goes.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Usage against budgets, shared by every task: same key and TTL as adapters/aws/dynamo-budget-store.ts.
    this.budgets = new dynamodb.Table(this, 'Budgets', {
      tableName: 'sonicord-budgets',
      partitionKey: { name: 'bucket', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      // Spend counts are what /usage shows and budgets enforce: keep them if the stack goes.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const taskRole = botTaskRole(this, {
      models: props.models,
      sonicModelId: props.sonicModelId ?? 'amazon.nova-2-sonic-v1:0',
      tables: { ...tables, coordinationArn: this.coordination.tableArn, budgetsArn: this.budgets.tableArn },
      ordersStateMachineName: props.orders.stateMachineName,
      ...(props.orders.notifications ? { notifications: props.orders.notifications } : {}),
      ...(props.knowledge ? { knowledgePolicy: props.knowledge.policy } : {}),
      ...(props.batch ? { batch: props.batch } : {}),
    });
    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'BotSecrets', props.secretName ?? 'sonicord/bot');
    const logGroup = new logs.LogGroup(this, 'BotLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const environment: Record<string, string> = {
      AWS_REGION: Aws.REGION,
      LOG_LEVEL: 'info',
      PLAYGROUND: 'off',
      // The ALB and ECS probe /readyz from outside the container: listen beyond loopback, /metrics behind a token.
      OPS_HOST: '0.0.0.0',
      OPS_PORT: String(opsPort),
      BUDGETS_STORE: 'dynamodb',
      BUDGETS_TABLE: this.budgets.tableName,
      SHARED_STATE: 'dynamodb',
      SHARED_STATE_TABLE: this.coordination.tableName,
      ASK_CONVERSATION_STORE: 'dynamodb',
      ASK_CONVERSATIONS_TABLE: tables.conversations,
      ORDERS_MODE: 'aws',
      ORDERS_STATE_MACHINE_ARN: props.orders.stateMachineArn,
      ORDERS_TABLE: tables.orders,
      CATALOG_TABLE: tables.catalog,
      ...props.knowledge?.environment,
    };
    const slackSecrets = {
      SLACK_BOT_TOKEN: ecs.Secret.fromSecretsManager(secret, 'slackBotToken'),
      SLACK_SIGNING_SECRET: ecs.Secret.fromSecretsManager(secret, 'slackSigningSecret'),
    };
    const task = (name: string, env: Record<string, string>, secrets: Record<string, ecs.Secret>, ports: number[]) => {
      const definition = new ecs.FargateTaskDefinition(this, `${name}Task`, {
        cpu: 1024,
        memoryLimitMiB: 2048,
        taskRole,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      definition.addContainer('bot', {
        image: props.image,
        environment: { ...environment, ...env },
        secrets: { ...secrets, METRICS_TOKEN: ecs.Secret.fromSecretsManager(secret, 'metricsToken') },
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: name.toLowerCase() }),
        portMappings: ports.map((containerPort) => ({ containerPort })),
        // Node 24 has fetch: no curl in the slim image.
        healthCheck: {
          command: [
            'CMD-SHELL',
            `node -e "fetch('http://127.0.0.1:${opsPort}${READY_PATH}').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"`,
          ],
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          startPeriod: Duration.seconds(60),
          retries: 3,
        },
        stopTimeout: Duration.seconds(60),
      });
      return definition;
    };

    for (const [index, ids] of shardClusters(props.shards).entries()) {
      const name = `Shards${index}`;
      const first = index === 0;
      const definition = task(
        name,
        {
          DISCORD_SHARDS: String(props.shards.total),
          DISCORD_SHARD_IDS: ids,
          // Cluster 0 relays order notifications: DMs reach Discord users from any shard, and Slack users through
          // the Web API (its Slack surface is in HTTP mode and gets no traffic; it only sends).
          ...(first && props.orders.notifications
            ? { ORDERS_NOTIFICATIONS_QUEUE_URL: props.orders.notifications.queueUrl, SLACK_MODE: 'http' }
            : {}),
        },
        {
          DISCORD_TOKEN: ecs.Secret.fromSecretsManager(secret, 'discordToken'),
          ...(first && props.orders.notifications ? slackSecrets : {}),
        },
        [opsPort],
      );
      this.shardServices.push(
        new ecs.FargateService(this, `${name}Service`, {
          cluster,
          taskDefinition: definition,
          desiredCount: 1,
          // Stop the old task before starting the new one: one gateway session per shard, one relay consumer.
          minHealthyPercent: 0,
          maxHealthyPercent: 100,
          assignPublicIp: true,
          circuitBreaker: { rollback: true },
        }),
      );
    }

    this.slackService = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'SlackHttp', {
      cluster,
      taskDefinition: task('Slack', { SLACK_MODE: 'http', SLACK_PORT: String(slackPort) }, slackSecrets, [
        slackPort,
        opsPort,
      ]),
      desiredCount: props.slack?.minTasks ?? 2,
      publicLoadBalancer: true,
      assignPublicIp: true,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
    });
    // Slack posts to /slack/events on the Slack port; readiness is asked on the ops port.
    this.slackService.targetGroup.configureHealthCheck({
      path: READY_PATH,
      port: String(opsPort),
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
    });
    this.slackService.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '30');
    this.slackService.service.connections.allowFrom(
      this.slackService.loadBalancer,
      ec2.Port.tcp(opsPort),
      'ALB health checks on the ops port',
    );
    const scaling = this.slackService.service.autoScaleTaskCount({
      minCapacity: props.slack?.minTasks ?? 2,
      maxCapacity: props.slack?.maxTasks ?? 6,
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: 300,
      targetGroup: this.slackService.targetGroup,
    });

    new CfnOutput(this, 'SlackRequestUrl', {
      value: `http://${this.slackService.loadBalancer.loadBalancerDnsName}/slack/events`,
      description: 'Slack app: Event Subscriptions, Interactivity and Slash Commands Request URL (put HTTPS in front)',
    });
    new CfnOutput(this, 'CoordinationTableName', {
      value: this.coordination.tableName,
      description: 'SHARED_STATE_TABLE',
    });
  }
}

/** Shard ids per service, as DISCORD_SHARD_IDS ranges: 8 shards, 4 per cluster → `0-3`, `4-7`. */
export function shardClusters(shards: { readonly total: number; readonly perCluster: number }): string[] {
  if (
    !Number.isInteger(shards.total) ||
    shards.total < 1 ||
    !Number.isInteger(shards.perCluster) ||
    shards.perCluster < 1
  ) {
    throw new Error(
      `shards: total and perCluster must be whole numbers from 1 (got ${shards.total}, ${shards.perCluster}).`,
    );
  }
  const clusters: string[] = [];
  for (let first = 0; first < shards.total; first += shards.perCluster) {
    const last = Math.min(shards.total, first + shards.perCluster) - 1;
    clusters.push(first === last ? String(first) : `${first}-${last}`);
  }
  return clusters;
}
