import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BY_OUTBOX_INDEX } from '../adapters/aws/dynamo-tables.ts';

export interface OrderReconcilerProps {
  readonly code: lambda.Code;
  readonly orders: dynamodb.Table;
  readonly topic: sns.Topic;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
}

/** The metrics namespace the reconciler writes (Embedded Metric Format) and the alarms read. */
export const ORDERS_METRICS_NAMESPACE = 'Sonicord/Orders';

/**
 * The reconciler Lambda (infra/lambda/order-reconciler.ts) on an EventBridge schedule every 5 minutes: finishes
 * orders whose execution failed or never started, resends pending status notices, heartbeats waiting courier steps
 * (HeartbeatSeconds is 3600: twelve chances per window, no bot process needed), and reports StuckReceivedOrders.
 * One run at a time (reserved concurrency 1): two passes would only race each other's starts.
 */
export function orderReconciler(scope: Construct, props: OrderReconcilerProps): lambda.Function {
  const fn = new lambda.Function(scope, 'OrderReconciler', {
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: props.code,
    memorySize: 512,
    timeout: Duration.minutes(4),
    reservedConcurrentExecutions: 1,
    tracing: lambda.Tracing.ACTIVE,
    logGroup: new logs.LogGroup(scope, 'OrderReconcilerLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    environment: {
      ORDERS_TABLE: props.orders.tableName,
      ORDERS_TOPIC_ARN: props.topic.topicArn,
      STATE_MACHINE_ARN: props.stateMachineArn,
      STALE_RECEIVED_MINUTES: '10',
      MAX_ATTEMPTS: '5',
      METRICS_NAMESPACE: ORDERS_METRICS_NAMESPACE,
    },
  });
  // Unfinished orders (scan), the outbox index (scan), status writes, notice records and staff hand-overs (update).
  props.orders.grant(fn, 'dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:Scan'],
      resources: [`${props.orders.tableArn}/index/${BY_OUTBOX_INDEX}`],
    }),
  );
  props.topic.grantPublish(fn);
  const executions = Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${props.stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:StartExecution', 'states:SendTaskHeartbeat'],
      resources: [props.stateMachineArn],
    }),
  );
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:RedriveExecution'],
      resources: [executions],
    }),
  );
  new events.Rule(scope, 'OrderReconcilerSchedule', {
    description: 'Finish stuck orders, resend pending status notices, heartbeat courier steps',
    schedule: events.Schedule.rate(Duration.minutes(5)),
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
  });
  return fn;
}
