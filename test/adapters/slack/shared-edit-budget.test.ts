import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dynamo, makeDynamo } from '../../../adapters/aws/dynamo-client.ts';
import { ensureCoordinationTable } from '../../../adapters/aws/dynamo-coordination-table.ts';
import { DynamoSharedBuckets } from '../../../adapters/aws/dynamo-shared-buckets.ts';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../adapters/local/embedded-dynalite.ts';
import { type EditBudgetClock, WorkspaceEditBudgets } from '../../../adapters/slack/workspace-edit-budget.ts';
import { silentLogger } from '../../../src/ports/logger.ts';

/** Wall time for the shared store and each replica's local budget alike; moved by hand. */
const time = { now: 1_800_000_000_000 };
const clock: EditBudgetClock = { now: () => time.now, after: () => () => undefined };
const rate = { perMinute: 60, burst: 3, clock };

describe('the Slack edit budget of one workspace, shared by two replicas', () => {
  let dynamo: EmbeddedDynamo;
  const clients: Dynamo[] = [];
  const replica = () => {
    const dynamoClient = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint });
    clients.push(dynamoClient);
    const buckets = new DynamoSharedBuckets(dynamoClient.doc, { tableName: 'coordination', now: () => time.now });
    return new WorkspaceEditBudgets(rate, { buckets, log: silentLogger });
  };
  /** Progress edits that would go out: granted by the local budget, then admitted by the shared one. */
  const progress = async (budgets: WorkspaceEditBudgets, team: string, tries: number) => {
    let sent = 0;
    for (let i = 0; i < tries; i++) {
      const budget = budgets.for(team);
      if (budget.tryTake() && (await budget.admit())) sent++;
    }
    return sent;
  };

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    const setup = makeDynamo({ region: 'us-east-1', endpoint: dynamo.endpoint });
    clients.push(setup);
    await ensureCoordinationTable(setup.client, 'coordination');
  });
  afterAll(async () => {
    for (const c of clients) c.client.destroy();
    await dynamo.close();
  });

  it('lets the two replicas together send no more than one workspace burst, then the rate', async () => {
    const a = replica();
    const b = replica();
    expect(await progress(a, 'T1', 10)).toBe(3);
    // B's own budget is full, but the workspace's minute is spent.
    expect(await progress(b, 'T1', 10)).toBe(0);
    time.now += 1000;
    const [fromA, fromB] = [await progress(a, 'T1', 5), await progress(b, 'T1', 5)];
    expect(fromA + fromB).toBe(1);
    // Another workspace has its own bucket.
    expect(await progress(b, 'T2', 10)).toBe(3);
  });

  it("counts one replica's finals and 429 against the other's progress", async () => {
    const a = replica();
    const b = replica();
    for (let i = 0; i < 3; i++) a.for('T3').spend();
    a.for('T3').holdOff(5000);
    // The counting is sent without holding up the renders; wait until it has landed.
    await a.for('T3').counted();
    time.now += 4000;
    expect(await progress(b, 'T3', 3)).toBe(0);
    time.now += 1000;
    expect(await progress(b, 'T3', 3)).toBe(1);
  });

  it('admits every edit the local budget grants when there is one process (no shared store)', async () => {
    const alone = new WorkspaceEditBudgets(rate);
    expect(await alone.for('T4').admit()).toBe(true);
  });
});
