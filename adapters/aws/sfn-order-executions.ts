import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  RedriveExecutionCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionState, OrderExecutions } from '../../src/app/orders/reconcile-orders.ts';
import type { Order } from '../../src/domain/orders/order.ts';

const nameOf = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/** Fresh executions after the first are named `<orderId>-r<k>`: idempotent per attempt (Step Functions keeps names 90 days). */
export const attemptName = (order: string, attempt: number): string => (attempt === 0 ? order : `${order}-r${attempt}`);

/** How many fresh executions one pass looks through (a bound on DescribeExecution calls per order). */
const MAX_NAMES = 10;

/**
 * The reconciler's view of Step Functions. An order's executions are found by name (the order id, then
 * `<id>-r1`, `-r2`, …), so no table of executions is kept: the latest existing name is the one that counts.
 * A failed, timed-out or aborted one within the redrive window is redriven (continues from the failed state, its
 * completed steps kept); anything else ended gets a fresh execution under the next name.
 */
export class SfnOrderExecutions implements OrderExecutions {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;
  readonly #executionPrefix: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    const prefix = stateMachineArn.replace(':stateMachine:', ':execution:');
    if (!stateMachineArn.startsWith('arn:') || prefix === stateMachineArn) {
      throw new Error(`A state machine ARN (arn:aws:states:…:stateMachine:<name>) is needed, got “${stateMachineArn}”`);
    }
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
    this.#executionPrefix = prefix;
  }

  async state(order: Order): Promise<ExecutionState> {
    let latest: { name: string; attempt: number; out: DescribeExecutionCommandOutput } | undefined;
    for (let attempt = 0; attempt < MAX_NAMES; attempt += 1) {
      const name = attemptName(order.id, attempt);
      const out = await this.#describe(name);
      if (!out) break;
      latest = { name, attempt, out };
    }
    if (!latest) return { status: 'missing' };
    const { status, redriveStatus, redriveCount } = latest.out;
    if (status === 'RUNNING' || status === 'PENDING_REDRIVE') return { status: 'running' };
    return {
      status: 'ended',
      redrivable: status !== 'SUCCEEDED' && redriveStatus === 'REDRIVABLE',
      attempts: latest.attempt + 1 + (redriveCount ?? 0),
      ref: latest.name,
    };
  }

  async redrive(_order: Order, ref: string): Promise<void> {
    await this.#client.send(new RedriveExecutionCommand({ executionArn: this.#arn(ref) }));
  }

  async restart(order: Order, after?: string): Promise<'started' | 'running'> {
    const previous = after === undefined ? -1 : Number(after === order.id ? 0 : after.slice(order.id.length + 2));
    const name = attemptName(order.id, previous + 1);
    try {
      await this.#client.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name,
          input: JSON.stringify({ orderId: order.id }),
        }),
      );
      return 'started';
    } catch (error) {
      // Another reconciler pass (or the bot's own retry) started this name first.
      if (nameOf(error) === 'ExecutionAlreadyExists') return 'running';
      throw error;
    }
  }

  #arn(name: string): string {
    return `${this.#executionPrefix}:${name}`;
  }

  async #describe(name: string): Promise<DescribeExecutionCommandOutput | undefined> {
    try {
      return await this.#client.send(new DescribeExecutionCommand({ executionArn: this.#arn(name) }));
    } catch (error) {
      if (nameOf(error) === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
  }
}
