import { readFileSync } from 'node:fs';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { BY_OUTBOX_INDEX, BY_USER_INDEX } from '../adapters/aws/dynamo-tables.ts';
import type { DeliveryZone } from '../src/domain/orders/zones.ts';
import { ORDER_ASL_URL, TASK_FUNCTION_PLACEHOLDER } from '../src/workflows/definition.ts';
import { orderAlarms } from './order-alarms.ts';
import { orderReconciler } from './order-reconciler.ts';

export interface OrderStackProps extends StackProps {
  /**
   * The task Lambda's code. A deploy passes `Code.fromAsset('infra/dist/order-task')` (the rolldown bundle of
   * infra/lambda/order-task.ts, see infra/app.ts); tests pass `Code.fromInline(...)` to synthesize offline.
   */
  readonly taskCode: lambda.Code;
  /** The reconciler Lambda's code: the bundle of infra/lambda/order-reconciler.ts (tests: inline). */
  readonly reconcilerCode: lambda.Code;
  /** Where alarms notify (an e-mail address subscribed to the alarm topic); absent: alarms only. */
  readonly alarmEmail?: string;
  /** Parsed config/delivery-zones.json: the task function quotes delivery from them. */
  readonly deliveryZones: readonly DeliveryZone[];
  /**
   * Physical names; the defaults match the bot's ORDERS_TABLE, CATALOG_TABLE, PAYMENTS_TABLE and
   * ASK_CONVERSATIONS_TABLE defaults.
   */
  readonly names?: Partial<Record<'orders' | 'catalog' | 'payments' | 'conversations' | 'stateMachine', string>>;
}

/**
 * Orders in the cloud: DynamoDB tables, the status topic, the task Lambda and the Standard state machine built from
 * the same src/workflows/order.asl.json the local runner executes. Outputs are the bot's aws-mode environment.
 */
export class OrderStack extends Stack {
  readonly stateMachine: sfn.StateMachine;
  readonly taskFunction: lambda.Function;
  readonly topic: sns.Topic;
  /** The bot's inbox of status changes: it turns each message into a direct message to the customer. */
  readonly notifications: sqs.Queue;
  /** Notifications no relay could deliver after five receives: its depth has an alarm. */
  readonly deadLetters: sqs.Queue;
  /** The customer-managed key of the topics and queues (status notices carry user ids and addresses). */
  readonly key: kms.Key;
  readonly reconciler: lambda.Function;

  constructor(scope: Construct, id: string, props: OrderStackProps) {
    super(scope, id, props);
    const names = {
      orders: 'sonicord-orders',
      catalog: 'sonicord-catalog',
      payments: 'sonicord-payments',
      conversations: 'sonicord-conversations',
      stateMachine: 'sonicord-orders',
      ...props.names,
    };

    // Same keys and index as adapters/aws/dynamo-tables.ts (which creates them on dynalite).
    const orders = table(this, 'Orders', names.orders, 'orderId');
    orders.addGlobalSecondaryIndex({
      indexName: BY_USER_INDEX,
      partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
    });
    const catalog = table(this, 'Catalog', names.catalog, 'productId');
    const payments = table(this, 'Payments', names.payments, 'idempotencyKey');
    // /ask thread memory (ASK_CONVERSATION_STORE=dynamodb): same key as ensureConversationTable in
    // adapters/aws/dynamo-conversation-store.ts; DynamoConversationStore writes `expiresAt` (epoch seconds) for TTL.
    const conversations = table(this, 'Conversations', names.conversations, 'threadKey', 'expiresAt');

    // Sparse: only orders with a status notice not yet published are in it (the reconciler's outbox sweep).
    orders.addGlobalSecondaryIndex({
      indexName: BY_OUTBOX_INDEX,
      partitionKey: { name: 'outboxAt', type: dynamodb.AttributeType.STRING },
    });

    this.key = messagesKey(this);
    this.topic = new sns.Topic(this, 'OrderStatus', {
      displayName: 'Sonicord order status',
      enforceSSL: true,
      masterKey: this.key,
    });
    const queues = notificationQueues(this, this.key);
    this.notifications = queues.queue;
    this.deadLetters = queues.deadLetters;
    // Raw delivery: the body is the SnsNotifier's JSON itself and its attributes arrive as SQS message attributes.
    this.topic.addSubscription(new subscriptions.SqsSubscription(this.notifications, { rawMessageDelivery: true }));

    // Built from its name, not from the resource: the function's policy needs it and the machine needs the
    // function's ARN, so a reference both ways would be a circular dependency.
    const stateMachineArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: names.stateMachine,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.taskFunction = new lambda.Function(this, 'OrderTask', {
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: props.taskCode,
      memorySize: 512,
      // Below the ASL's TimeoutSeconds (30) so the state machine sees the Lambda's own timeout error first.
      timeout: Duration.seconds(25),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: new logs.LogGroup(this, 'OrderTaskLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      environment: {
        ORDERS_TABLE: orders.tableName,
        CATALOG_TABLE: catalog.tableName,
        PAYMENTS_TABLE: payments.tableName,
        ORDERS_TOPIC_ARN: this.topic.topicArn,
        // Small (Lambda allows 4 KB of variables in all); a larger zone file would move to S3 or SSM.
        DELIVERY_ZONES_JSON: JSON.stringify({ zones: props.deliveryZones }),
      },
    });
    // Exactly the calls the task handlers make (DynamoOrderStore, DynamoInventory, SandboxPaymentGateway).
    // UpdateItem also clears the notice outbox record after a publish.
    orders.grant(this.taskFunction, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    catalog.grant(this.taskFunction, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
    payments.grant(this.taskFunction, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    this.topic.grantPublish(this.taskFunction);
    // Completing a courier step that already happened (see infra/lambda/order-task.ts).
    this.taskFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [stateMachineArn] }),
    );

    this.stateMachine = new sfn.StateMachine(this, 'OrderWorkflow', {
      stateMachineName: names.stateMachine,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(orderDefinition()),
      definitionSubstitutions: { [TASK_FUNCTION_PLACEHOLDER]: this.taskFunction.functionArn },
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'OrderWorkflowLogs', { retention: logs.RetentionDays.ONE_MONTH }),
        level: sfn.LogLevel.ALL,
        // Execution data holds addresses and user ids: keep them out of the logs.
        includeExecutionData: false,
      },
    });
    this.taskFunction.grantInvoke(this.stateMachine);

    this.reconciler = orderReconciler(this, {
      code: props.reconcilerCode,
      orders,
      topic: this.topic,
      stateMachineArn,
      stateMachineName: names.stateMachine,
    });
    orderAlarms(this, {
      stateMachine: this.stateMachine,
      functions: [this.taskFunction, this.reconciler],
      deadLetters: this.deadLetters,
      key: this.key,
      ...(props.alarmEmail === undefined ? {} : { email: props.alarmEmail }),
    });

    const botPolicy = new iam.ManagedPolicy(this, 'BotPolicy', {
      description:
        'What the Sonicord bot needs in ORDERS_MODE=aws: start orders, report courier steps, read and write orders; ' +
        'and /ask conversations in DynamoDB.',
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: [stateMachineArn],
        }),
        // Orders: create, track, list a user's orders (index), change the address, unfinished orders (scan).
        new iam.PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
          resources: [orders.tableArn, `${orders.tableArn}/index/${BY_USER_INDEX}`],
        }),
        // Catalog: autocomplete and stock (scan, get), restock and seeding (update, put). Payments stay with the tasks.
        new iam.PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'],
          resources: [catalog.tableArn],
        }),
        // /ask conversations (ASK_CONVERSATION_STORE=dynamodb): DynamoConversationStore reads and writes whole items.
        new iam.PolicyStatement({
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
          resources: [conversations.tableArn],
        }),
        // Notifications: long-poll the queue, delete what was delivered (DeleteMessageBatch needs DeleteMessage),
        // bring a notice another relay holds back sooner; read the queue's KMS-encrypted messages.
        new iam.PolicyStatement({
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
          resources: [this.notifications.queueArn],
        }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [this.key.keyArn] }),
      ],
    });

    output(this, 'OrdersStateMachineArn', this.stateMachine.stateMachineArn, 'ORDERS_STATE_MACHINE_ARN');
    output(this, 'OrdersTopicArn', this.topic.topicArn, 'ORDERS_TOPIC_ARN');
    output(this, 'OrdersNotificationsQueueUrl', this.notifications.queueUrl, 'ORDERS_NOTIFICATIONS_QUEUE_URL');
    output(this, 'OrdersTableName', orders.tableName, 'ORDERS_TABLE');
    output(this, 'CatalogTableName', catalog.tableName, 'CATALOG_TABLE');
    output(this, 'PaymentsTableName', payments.tableName, 'PAYMENTS_TABLE');
    output(this, 'ConversationsTableName', conversations.tableName, 'ASK_CONVERSATIONS_TABLE');
    output(this, 'BotPolicyArn', botPolicy.managedPolicyArn, 'attach to the bot’s role');
  }
}

/** The ASL text, checked to use no placeholder other than the task function's (it would stay unsubstituted). */
export function orderDefinition(): string {
  const text = readFileSync(ORDER_ASL_URL, 'utf8');
  const unknown = [...text.matchAll(/\$\{([^}]+)\}/g)]
    .map((m) => m[1])
    .filter((name) => name !== TASK_FUNCTION_PLACEHOLDER);
  if (unknown.length > 0)
    throw new Error(`order.asl.json uses placeholders the stack does not substitute: ${unknown.join(', ')}`);
  return text;
}

/**
 * The customer-managed key of the status topic, its queue and dead-letter queue, and the alarm topic. Its policy
 * lets the services that write into them encrypt with it: SNS (delivering to the encrypted queue) and CloudWatch
 * (publishing alarms to the encrypted alarm topic), each only for this account's resources. Publishers and readers
 * get their own grants (grantPublish, the bot policy's kms:Decrypt).
 */
function messagesKey(scope: Stack): kms.Key {
  const key = new kms.Key(scope, 'OrderMessagesKey', {
    description: 'Sonicord orders: status topic, notifications queue, alarm topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const service of ['sns.amazonaws.com', 'cloudwatch.amazonaws.com']) {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: `Allow${service.split('.')[0]}ToUseTheKey`,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': scope.account } },
      }),
    );
  }
  return key;
}

/**
 * SSE-KMS with the stack's key (SNS may use it, see messagesKey). Visibility (60 s) covers a batch of ten direct
 * messages; after five failed receives a message (one the bot cannot parse, or a DM the surface kept failing to
 * send) moves to the dead-letter queue, kept for the longest retention so someone can look at it.
 */
function notificationQueues(scope: Construct, key: kms.Key): { queue: sqs.Queue; deadLetters: sqs.Queue } {
  const common = { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key, enforceSSL: true };
  const deadLetters = new sqs.Queue(scope, 'OrderNotificationsDlq', { ...common, retentionPeriod: Duration.days(14) });
  const queue = new sqs.Queue(scope, 'OrderNotifications', {
    ...common,
    // Status changes older than this are stale news to the customer.
    retentionPeriod: Duration.days(4),
    visibilityTimeout: Duration.seconds(60),
    receiveMessageWaitTime: Duration.seconds(20),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
  });
  return { queue, deadLetters };
}

function table(scope: Construct, id: string, tableName: string, key: string, ttlAttribute?: string): dynamodb.Table {
  return new dynamodb.Table(scope, id, {
    tableName,
    partitionKey: { name: key, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    ...(ttlAttribute === undefined ? {} : { timeToLiveAttribute: ttlAttribute }),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    // Orders, stock and payment records are business data, conversations users' own: a stack deletion keeps them.
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
}

function output(scope: Construct, id: string, value: string, description: string): void {
  new CfnOutput(scope, id, { value, description });
}
