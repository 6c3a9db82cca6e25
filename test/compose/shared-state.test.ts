import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../adapters/local/embedded-dynalite.ts';
import { sharedState } from '../../src/compose/shared-state.ts';
import { loadConfig } from '../../src/config.ts';

describe('sharedState (composition)', () => {
  let dynamo: EmbeddedDynamo;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
  });
  afterAll(async () => dynamo.close());

  it('is in memory by default, named after the host and process', async () => {
    const shared = await sharedState(loadConfig({}).env);
    expect(shared.buckets).toBeUndefined();
    expect(shared.replicaId).toMatch(new RegExp(`:${process.pid}$`));
    expect(await shared.deliveryClaims.claim('e1', 1000)).toBe(true);
    expect(await shared.deliveryClaims.claim('e1', 1000)).toBe(false);
    shared.close();
  });

  it('shares claims and leases between two processes configured with SHARED_STATE=dynamodb on one store', async () => {
    const env = loadConfig({
      SHARED_STATE: 'dynamodb',
      SHARED_STATE_TABLE: 'coordination-compose',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    }).env;
    const a = await sharedState({ ...env, REPLICA_ID: 'a' });
    const b = await sharedState({ ...env, REPLICA_ID: 'b' });
    expect(b.buckets).toBeDefined();
    expect(await a.deliveryClaims.claim('slack:event:Ev1', 60_000)).toBe(true);
    expect(await b.deliveryClaims.claim('slack:event:Ev1', 60_000)).toBe(false);
    expect(await a.leases.acquire('voice:discord:G1', a.replicaId, 30_000)).toBe(true);
    expect(await b.leases.acquire('voice:discord:G1', b.replicaId, 30_000)).toBe(false);
    expect(await b.leases.holder('voice:discord:G1')).toBe('a');
    a.close();
    b.close();
  });

  it('refuses an unknown SHARED_STATE, naming the variable', () => {
    expect(() => loadConfig({ SHARED_STATE: 'redis' })).toThrow(/SHARED_STATE/);
  });
});
