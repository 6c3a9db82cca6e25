import { hostname } from 'node:os';
import { makeDynamo } from '../../adapters/aws/dynamo-client.ts';
import { ensureCoordinationTable } from '../../adapters/aws/dynamo-coordination-table.ts';
import { DynamoDeliveryClaims } from '../../adapters/aws/dynamo-delivery-claims.ts';
import { DynamoLeases } from '../../adapters/aws/dynamo-leases.ts';
import { DynamoSharedBuckets } from '../../adapters/aws/dynamo-shared-buckets.ts';
import { MemoryDeliveryClaims, MemoryLeases } from '../../adapters/local/memory-shared-state.ts';
import type { Env } from '../config.ts';
import type { DeliveryClaims, Leases, SharedBuckets } from '../ports/shared-state.ts';

/** What replicas coordinate on (README "Replicas and deploy"); in memory when this process is the only one. */
export interface SharedState {
  readonly replicaId: string;
  readonly deliveryClaims: DeliveryClaims;
  readonly leases: Leases;
  /** Only with several replicas: one process's own Slack budget is already the workspace's. */
  readonly buckets?: SharedBuckets;
  close(): void;
}

export async function sharedState(env: Env): Promise<SharedState> {
  const replicaId = env.REPLICA_ID ?? `${hostname()}:${process.pid}`;
  if (env.SHARED_STATE === 'memory') {
    return { replicaId, deliveryClaims: new MemoryDeliveryClaims(), leases: new MemoryLeases(), close: () => {} };
  }
  const { client, doc } = makeDynamo({
    region: env.AWS_REGION,
    ...(env.DYNAMODB_ENDPOINT ? { endpoint: env.DYNAMODB_ENDPOINT } : {}),
  });
  // A local store gets the table made; in the cloud infra/bot-stack.ts provisions it (no CreateTable permission).
  if (env.DYNAMODB_ENDPOINT) await ensureCoordinationTable(client, env.SHARED_STATE_TABLE);
  const options = { tableName: env.SHARED_STATE_TABLE };
  return {
    replicaId,
    deliveryClaims: new DynamoDeliveryClaims(doc, options),
    leases: new DynamoLeases(doc, options),
    buckets: new DynamoSharedBuckets(doc, options),
    close: () => client.destroy(),
  };
}
