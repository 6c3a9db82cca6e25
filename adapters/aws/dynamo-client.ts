import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoClientOptions {
  readonly region: string;
  /** Embedded dynalite or another loopback endpoint; absent for real DynamoDB. */
  readonly endpoint?: string;
}

export interface Dynamo {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
}

/** A DynamoDB client and its document wrapper; a local endpoint gets static dummy credentials (dynalite checks none). */
export function makeDynamo(options: DynamoClientOptions): Dynamo {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint === undefined
      ? {}
      : { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

export interface OrderTables {
  readonly orders: string;
  readonly catalog: string;
  readonly payments: string;
}

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
