import { readFileSync } from 'node:fs';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoConversationStore, ensureConversationTable } from '../../adapters/aws/dynamo-conversation-store.ts';
import { OrderStack } from '../../infra/order-stack.ts';
import { ORDER_ASL_URL, TASK_FUNCTION_PLACEHOLDER, taskStates } from '../../src/workflows/definition.ts';
import { testZones } from '../support/order-stack.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
const asl = JSON.parse(readFileSync(ORDER_ASL_URL, 'utf8'));

/** The CreateTable input the adapter sends for the conversations table (to a fake client that reports it ACTIVE). */
async function adapterConversationTable(): Promise<CreateTableCommandInput> {
  const sent: { constructor: { name: string }; input: unknown }[] = [];
  const client = {
    send: async (command: (typeof sent)[number]) => {
      sent.push(command);
      return { Table: { TableStatus: 'ACTIVE' } };
    },
  } as unknown as DynamoDBClient;
  await ensureConversationTable(client, 'conversations');
  const create = sent.find((c) => c.constructor.name === 'CreateTableCommand');
  expect(create).toBeDefined();
  return create?.input as CreateTableCommandInput;
}

/** The attribute DynamoConversationStore writes as the item's expiry (epoch seconds): the table's TTL attribute. */
async function adapterTtlAttribute(): Promise<string> {
  const items: Record<string, unknown>[] = [];
  const doc = {
    send: async (command: { input: { Item?: Record<string, unknown> } }) => {
      if (command.input.Item) items.push(command.input.Item);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const updatedAt = '2026-01-01T00:00:00.000Z';
  await new DynamoConversationStore(doc, { tableName: 'conversations', ttlSeconds: 3600 }).put({
    key: 'thread',
    modelId: 'model',
    turns: [{ role: 'user', text: 'hi' }],
    updatedAt,
  });
  const expiry = Date.parse(updatedAt) / 1000 + 3600;
  const names = Object.entries(items[0] ?? {})
    .filter(([, value]) => value === expiry)
    .map(([name]) => name);
  expect(names).toHaveLength(1);
  return names[0] as string;
}

/** The logical id of the one resource of a type whose id starts with `prefix`. */
function idStarting(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

/** The logical id of the only resource of a type. */
function onlyId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('OrderStack (offline synth, no Docker, no network)', () => {
  let template: Template;
  let resources: Record<string, Resource>;

  beforeAll(() => {
    const app = new App();
    const stack = new OrderStack(app, 'TestOrders', {
      taskCode: lambda.Code.fromInline('exports.handler = async () => ({});'),
      reconcilerCode: lambda.Code.fromInline('exports.handler = async () => ({});'),
      alarmEmail: 'ops@example.com',
      deliveryZones: testZones,
    });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources;
  }, 120_000);

  it('creates the four tables with the keys and index the adapters use, on demand, with point-in-time recovery', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 4);
    const common = {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    };
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'sonicord-orders',
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byUser',
          KeySchema: [
            { AttributeName: 'userId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        }),
        // The sparse outbox index, keyed as DynamoNoticeRecords and ensureOrderTables use it.
        Match.objectLike({ IndexName: 'byOutbox', KeySchema: [{ AttributeName: 'outboxAt', KeyType: 'HASH' }] }),
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'sonicord-catalog',
      KeySchema: [{ AttributeName: 'productId', KeyType: 'HASH' }],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      ...common,
      TableName: 'sonicord-payments',
      KeySchema: [{ AttributeName: 'idempotencyKey', KeyType: 'HASH' }],
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    for (const [id, table] of Object.entries(template.findResources('AWS::DynamoDB::Table'))) {
      expect(table, id).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('creates the /ask conversations table with the key and TTL attribute DynamoConversationStore uses', async () => {
    // Derived from adapters/aws/dynamo-conversation-store.ts, so a change there fails here until the stack follows.
    const adapterTable = await adapterConversationTable();
    const ttlAttribute = await adapterTtlAttribute();
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'sonicord-conversations',
      KeySchema: adapterTable.KeySchema,
      AttributeDefinitions: adapterTable.AttributeDefinitions,
      BillingMode: adapterTable.BillingMode,
      TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    // The same names as the adapter's today; a reader sees them here without running the adapter.
    expect(adapterTable.KeySchema).toEqual([{ AttributeName: 'threadKey', KeyType: 'HASH' }]);
    expect(ttlAttribute).toBe('expiresAt');

    const named = { Properties: { TableName: 'sonicord-conversations' } };
    const ids = Object.keys(template.findResources('AWS::DynamoDB::Table', named));
    expect(ids).toHaveLength(1);
    const conversations = ids[0] as string;
    // The bot's policy lets it get and put conversations (all DynamoConversationStore does), nothing more there.
    const statements = botPolicyStatements(template);
    expect(statements.filter((s) => JSON.stringify(s.Resource).includes(`"${conversations}"`))).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': [conversations, 'Arn'] },
      }),
    ]);
    expect(outputFor(template, 'ASK_CONVERSATIONS_TABLE')).toEqual({ Ref: conversations });
  });

  it('has one topic and one task Lambda per distinct Task resource of the ASL, wired to tables, topic and zones', () => {
    // The status topic and the alarm topic.
    template.resourceCountIs('AWS::SNS::Topic', 2);
    const resourcesInAsl = new Set(
      taskStates(asl).map((t) => (t.waitsForToken ? asl.States[t.state].Parameters.FunctionName : t.resource)),
    );
    expect(resourcesInAsl).toEqual(new Set([`\${${TASK_FUNCTION_PLACEHOLDER}}`]));
    // Plus the reconciler.
    template.resourceCountIs('AWS::Lambda::Function', resourcesInAsl.size + 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs22.x',
      Timeout: 25,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        Variables: Match.objectLike({
          ORDERS_TABLE: { Ref: Match.stringLikeRegexp('^Orders') },
          CATALOG_TABLE: { Ref: Match.stringLikeRegexp('^Catalog') },
          PAYMENTS_TABLE: { Ref: Match.stringLikeRegexp('^Payments') },
          ORDERS_TOPIC_ARN: { Ref: idStarting(template, 'AWS::SNS::Topic', 'OrderStatus') },
          DELIVERY_ZONES_JSON: JSON.stringify({ zones: testZones }),
        }),
      },
    });
  });

  it('deploys the same ASL as a Standard machine with every Task pointing at the task Lambda, logs and X-Ray on', () => {
    const machine = Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine');
    const props = machine?.Properties ?? {};
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    expect(JSON.parse(props.DefinitionString as string)).toEqual(asl);
    const fn = idStarting(template, 'AWS::Lambda::Function', 'OrderTask');
    expect(props.DefinitionSubstitutions).toEqual({ [TASK_FUNCTION_PLACEHOLDER]: { 'Fn::GetAtt': [fn, 'Arn'] } });
    for (const task of taskStates(asl)) expect(task.timeoutSeconds, task.state).toBeGreaterThan(25);
  });

  it('grants least privilege: the machine may invoke only the task function, the function only its tables and topic', () => {
    const fn = idStarting(template, 'AWS::Lambda::Function', 'OrderTask');
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    const statements = (p: Resource) =>
      (p.Properties.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    const machinePolicy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes('OrderWorkflowRole'));
    expect(
      machinePolicy && statements(machinePolicy).filter((s) => JSON.stringify(s.Action).includes('lambda:')),
    ).toEqual([
      expect.objectContaining({
        Action: 'lambda:InvokeFunction',
        Resource: [{ 'Fn::GetAtt': [fn, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [fn, 'Arn'] }, ':*']] }],
      }),
    ]);
    const fnPolicy = policies.find((p) => JSON.stringify(p.Properties.Roles).includes('OrderTaskServiceRole'));
    const actions = (fnPolicy ? statements(fnPolicy) : []).flatMap((s) => [s.Action].flat());
    expect(new Set(actions)).toEqual(
      new Set([
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'sns:Publish',
        // Publishing to the KMS-encrypted topic.
        'kms:Decrypt',
        'kms:GenerateDataKey*',
        'states:SendTaskSuccess',
      ]),
    );
    const put = fnPolicy && statements(fnPolicy).filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    // Only the payments table takes new items from the tasks.
    expect(JSON.stringify(put?.map((s) => s.Resource))).toMatch(/^\[\[\{"Fn::GetAtt":\["Payments[^"]*","Arn"\]\}\]\]$/);
  });

  it('outputs what the bot needs in aws mode, and a policy to attach to the bot', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Description: string }>;
    expect(Object.values(outputs).map((o) => o.Description)).toEqual(
      expect.arrayContaining([
        'ORDERS_STATE_MACHINE_ARN',
        'ORDERS_TOPIC_ARN',
        'ORDERS_TABLE',
        'CATALOG_TABLE',
        'PAYMENTS_TABLE',
        'ASK_CONVERSATIONS_TABLE',
        'ORDERS_NOTIFICATIONS_QUEUE_URL',
      ]),
    );
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]),
      },
    });
  });

  it('brings notifications back to the bot: an encrypted queue with a dead-letter queue, subscribed raw to the topic', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    const queues = template.findResources('AWS::SQS::Queue');
    const mainId = Object.keys(queues).find((id) => id.startsWith('OrderNotifications') && !id.includes('Dlq'));
    const dlqId = Object.keys(queues).find((id) => id.startsWith('OrderNotificationsDlq'));
    expect(mainId && dlqId).toBeTruthy();
    // Encrypted with the stack's customer-managed key.
    for (const id of [mainId, dlqId]) {
      expect(queues[id as string]?.Properties).toMatchObject({
        KmsMasterKeyId: { 'Fn::GetAtt': [onlyId(template, 'AWS::KMS::Key'), 'Arn'] },
      });
    }
    expect(queues[mainId as string]?.Properties).toMatchObject({
      VisibilityTimeout: 60,
      MessageRetentionPeriod: 4 * 24 * 3600,
      ReceiveMessageWaitTimeSeconds: 20,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    // The queue's subscription (the other one is the alarm e-mail).
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      TopicArn: { Ref: idStarting(template, 'AWS::SNS::Topic', 'OrderStatus') },
      Endpoint: { 'Fn::GetAtt': [mainId, 'Arn'] },
    });
    // SNS may send to the queue, but only from our topic.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: mainId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Condition: {
              ArnEquals: { 'aws:SourceArn': { Ref: idStarting(template, 'AWS::SNS::Topic', 'OrderStatus') } },
            },
          }),
        ]),
      },
    });
    // The bot receives and deletes on that queue only, and learns its URL from an output.
    const statements = botPolicyStatements(template);
    const sqsStatements = statements.filter((s) => JSON.stringify(s.Action).includes('sqs:'));
    expect(sqsStatements).toEqual([
      expect.objectContaining({
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        Resource: { 'Fn::GetAtt': [mainId, 'Arn'] },
      }),
    ]);
    expect(outputFor(template, 'ORDERS_NOTIFICATIONS_QUEUE_URL')).toEqual({ Ref: mainId });
  });
});

describe('OrderStack operations (offline synth): KMS, the reconciler, alarms', () => {
  let template: Template;
  beforeAll(() => {
    const stack = new OrderStack(new App(), 'OpsOrders', {
      taskCode: lambda.Code.fromInline('exports.handler = async () => ({});'),
      reconcilerCode: lambda.Code.fromInline('exports.handler = async () => ({});'),
      deliveryZones: testZones,
      alarmEmail: 'ops@example.com',
    });
    template = Template.fromStack(stack);
  }, 120_000);

  it('encrypts both topics with a rotating customer key whose policy lets SNS and CloudWatch use it', () => {
    const key = onlyId(template, 'AWS::KMS::Key');
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith(
          ['sns.amazonaws.com', 'cloudwatch.amazonaws.com'].map((service) =>
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: service },
              Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ),
        ),
      },
    });
    for (const topic of Object.values(template.findResources('AWS::SNS::Topic'))) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    }
    // The bot reads the encrypted queue.
    expect(botPolicyStatements(template)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [key, 'Arn'] } }),
      ]),
    );
  });

  it('runs the reconciler every 5 minutes, one at a time, allowed to redrive, start and heartbeat only this machine', () => {
    const fn = idStarting(template, 'AWS::Lambda::Function', 'OrderReconciler');
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          STALE_RECEIVED_MINUTES: '10',
          MAX_ATTEMPTS: '5',
          METRICS_NAMESPACE: 'Sonicord/Orders',
        }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] } })],
    });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('OrderReconcilerServiceRole'),
    );
    const statements = policies.flatMap(
      (p) => (p.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    );
    const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
    for (const action of [
      'states:DescribeExecution',
      'states:RedriveExecution',
      'states:StartExecution',
      'states:SendTaskHeartbeat',
      'dynamodb:Scan',
      'sns:Publish',
    ]) {
      expect(actions, action).toContain(action);
    }
    const redrive = statements.find((s) => [s.Action].flat().includes('states:RedriveExecution'));
    expect(JSON.stringify(redrive?.Resource)).toContain(':execution:sonicord-orders:*');
  });

  it('alarms on failed, timed-out and aborted executions, DLQ depth, Lambda errors and throttles, stuck orders', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const metrics = alarms.map((a) => `${a.Namespace}/${a.MetricName}`);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'AWS/States/ExecutionsFailed',
        'AWS/States/ExecutionsTimedOut',
        'AWS/States/ExecutionsAborted',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
        'AWS/Lambda/Errors',
        'AWS/Lambda/Throttles',
        'Sonicord/Orders/StuckReceivedOrders',
      ]),
    );
    // Errors and throttles for both functions.
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(2);
    expect(metrics.filter((m) => m === 'AWS/Lambda/Throttles')).toHaveLength(2);
    const alarmTopic = idStarting(template, 'AWS::SNS::Topic', 'OrderAlarms');
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: alarmTopic }]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

interface PolicyStatement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** The statements of the bot's managed policy (the stack has exactly one managed policy). */
function botPolicyStatements(template: Template): readonly PolicyStatement[] {
  const resources = template.toJSON().Resources as Record<string, { Properties: { PolicyDocument?: unknown } }>;
  const policy = resources[onlyId(template, 'AWS::IAM::ManagedPolicy')];
  return (policy?.Properties.PolicyDocument as { Statement: PolicyStatement[] } | undefined)?.Statement ?? [];
}

/** The value of the stack output whose description names the bot's environment variable. */
function outputFor(template: Template, variable: string): unknown {
  const outputs = template.toJSON().Outputs as Record<string, { Description: string; Value: unknown }>;
  return Object.values(outputs).find((o) => o.Description === variable)?.Value;
}
