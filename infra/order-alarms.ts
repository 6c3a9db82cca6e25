import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ORDERS_METRICS_NAMESPACE } from './order-reconciler.ts';

export interface OrderAlarmsProps {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: readonly lambda.Function[];
  readonly deadLetters: sqs.Queue;
  readonly key: kms.Key;
  readonly email?: string;
}

/**
 * What should wake someone: executions that failed, timed out or were aborted (the reconciler retries them, but a
 * pattern means a bug); notices in the dead-letter queue (customers missed a DM); errors or throttles of the task
 * and reconciler Lambdas; orders stuck in "received" (the reconciler's StuckReceivedOrders, 2 passes in a row: one
 * pass can see an order whose start is merely slow). Every alarm notifies the encrypted alarm topic.
 */
export function orderAlarms(scope: Construct, props: OrderAlarmsProps): sns.Topic {
  const topic = new sns.Topic(scope, 'OrderAlarms', {
    displayName: 'Sonicord order alarms',
    enforceSSL: true,
    masterKey: props.key,
  });
  if (props.email) topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  const notify = new actions.SnsAction(topic);
  const alarm = (id: string, metric: cloudwatch.IMetric, description: string, evaluationPeriods = 1) => {
    const created = new cloudwatch.Alarm(scope, id, {
      metric,
      threshold: 1,
      evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    created.addAlarmAction(notify);
    return created;
  };
  const fiveMinutes = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };
  const machine = props.stateMachine;
  alarm(
    'ExecutionsFailedAlarm',
    machine.metricFailed(fiveMinutes),
    'Order executions failed (the reconciler redrives them).',
  );
  alarm('ExecutionsTimedOutAlarm', machine.metricTimedOut(fiveMinutes), 'Order executions timed out.');
  alarm('ExecutionsAbortedAlarm', machine.metricAborted(fiveMinutes), 'Order executions were aborted.');
  alarm(
    'NotificationsDlqAlarm',
    props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    'Status notices in the dead-letter queue: customers missed a direct message.',
  );
  for (const fn of props.functions) {
    const name = fn.node.id;
    alarm(`${name}ErrorsAlarm`, fn.metricErrors(fiveMinutes), `${name} Lambda errors.`);
    alarm(`${name}ThrottlesAlarm`, fn.metricThrottles(fiveMinutes), `${name} Lambda throttles.`);
  }
  alarm(
    'StuckReceivedOrdersAlarm',
    new cloudwatch.Metric({
      namespace: ORDERS_METRICS_NAMESPACE,
      metricName: 'StuckReceivedOrders',
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    'Orders still "received" with no workflow after 10 minutes, two reconciler passes in a row.',
    2,
  );
  return topic;
}
