import { ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { BY_USER_INDEX } from '../adapters/aws/dynamo-tables.ts';

/** A catalog model as config/models.json names it: the id the bot calls and the foundation model behind it. */
export interface InvokedModel {
  /** `us.amazon.nova-lite-v1:0` (an inference profile) or a foundation-model id. */
  readonly bedrockId: string;
  readonly baseModelId: string;
}

export interface BotAccess {
  /** Text models of config/models.json, the KB embedding model, the /bench models. */
  readonly models: readonly InvokedModel[];
  /** Nova Sonic (bidirectional stream, same-Region only). */
  readonly sonicModelId: string;
  readonly tables: {
    readonly orders: string;
    readonly catalog: string;
    readonly conversations: string;
    readonly coordinationArn: string;
    /** Usage against budgets: conditional updates and reads (adapters/aws/dynamo-budget-store.ts). */
    readonly budgetsArn: string;
  };
  readonly ordersStateMachineName: string;
  readonly notifications?: sqs.IQueue;
  /** The KnowledgeStack's own bot policy (Retrieve, ingestion, chunk uploads, the chain), attached as is. */
  readonly knowledgePolicy?: iam.IManagedPolicy;
  /** /bench batch inference: its S3 bucket and the service role Bedrock assumes to read and write it. */
  readonly batch?: { readonly bucketArn: string; readonly serviceRoleArn: string };
}

/**
 * The bot's task role, least privilege: exactly the calls its adapters make, on the resources it was given. Inference
 * profiles (`us.…`, `global.…`) route to the foundation model in several Regions, so the model ARN's Region is `*`
 * for those; the Sonic stream refuses cross-Region calls, so its ARN names the stack's Region.
 */
export function botTaskRole(stack: Stack, access: BotAccess): iam.Role {
  const role = new iam.Role(stack, 'BotTaskRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    description: 'Sonicord bot tasks: Bedrock models, its DynamoDB tables, order executions, notifications',
  });
  const arn = (service: string, resource: string, resourceName: string, region?: string, account?: string) =>
    stack.formatArn({
      service,
      resource,
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      ...(region === undefined ? {} : { region }),
      ...(account === undefined ? {} : { account }),
    });
  const profiles = access.models.filter((m) => m.bedrockId !== m.baseModelId);
  const modelArns = [
    ...new Set(access.models.map((m) => arn('bedrock', 'foundation-model', m.baseModelId, '*', ''))),
    ...new Set(profiles.map((m) => arn('bedrock', 'inference-profile', m.bedrockId))),
  ];
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resources: modelArns,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['bedrock:InvokeModelWithBidirectionalStream'],
      resources: [arn('bedrock', 'foundation-model', access.sonicModelId, undefined, '')],
    }),
  );
  // The cascade voice engine; neither service has resource-level permissions for these calls.
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        'transcribe:StartStreamTranscription',
        'transcribe:StartStreamTranscriptionWebSocket',
        'polly:SynthesizeSpeech',
      ],
      resources: ['*'],
    }),
  );

  const table = (name: string) => arn('dynamodb', 'table', name);
  const orders = table(access.tables.orders);
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:Scan'],
      resources: [orders, `${orders}/index/${BY_USER_INDEX}`],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'],
      resources: [table(access.tables.catalog)],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [table(access.tables.conversations)],
    }),
  );
  // Delivery claims, voice leases, shared Slack edit budgets: conditional put/update/delete and consistent reads.
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      resources: [access.tables.coordinationArn],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
      resources: [access.tables.budgetsArn],
    }),
  );

  const machine = stack.formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: access.ordersStateMachineName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const executions = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${access.ordersStateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [
        'states:StartExecution',
        'states:SendTaskSuccess',
        'states:SendTaskFailure',
        'states:SendTaskHeartbeat',
      ],
      resources: [machine],
    }),
  );
  role.addToPolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution'], resources: [executions] }));

  if (access.notifications) {
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        resources: [access.notifications.queueArn],
      }),
    );
  }
  if (access.knowledgePolicy) role.addManagedPolicy(access.knowledgePolicy);
  if (access.batch) {
    // Input JSONL up, results down; listing finds a job's output files.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [`${access.batch.bucketArn}/*`],
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [access.batch.bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'bedrock:CreateModelInvocationJob',
          'bedrock:GetModelInvocationJob',
          'bedrock:StopModelInvocationJob',
        ],
        resources: [arn('bedrock', 'model-invocation-job', '*'), ...modelArns],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [access.batch.serviceRoleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      }),
    );
  }
  return role;
}
