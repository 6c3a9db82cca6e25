import {
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { OrderId } from '../../src/domain/ids.ts';
import type { CourierStage } from '../../src/domain/orders/order.ts';
import type { OrderWorkflow } from '../../src/ports/order-workflow.ts';

/**
 * Errors that mean "no execution waits on this token": it was already completed, timed out, or never existed.
 * Step Functions reports them by name; they are an answer (false), not a failure.
 */
const STALE_TOKEN: ReadonlySet<string> = new Set(['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken']);

const nameOf = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/**
 * The order workflow on AWS Step Functions (a Standard state machine deployed by infra/ from the same ASL file).
 * The execution is named after the order id: Step Functions refuses a second execution with that name, so a
 * retried /order can never run (or charge) the same order twice.
 */
export class SfnOrderWorkflow implements OrderWorkflow {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;

  constructor(client: SFNClient, stateMachineArn: string) {
    if (!stateMachineArn.startsWith('arn:')) {
      throw new Error(
        `ORDERS_STATE_MACHINE_ARN must be a state machine ARN (arn:aws:states:...), got “${stateMachineArn}”`,
      );
    }
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
  }

  async start(order: OrderId): Promise<'started' | 'already_started'> {
    try {
      // Same input shape as the local runner: the tasks load everything else from the store.
      await this.#client.send(
        new StartExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          name: order,
          input: JSON.stringify({ orderId: order }),
        }),
      );
      return 'started';
    } catch (error) {
      // A running execution with the same name and input is returned as success by Step Functions itself;
      // a finished one (or one started with other input) answers ExecutionAlreadyExists. Both: the order exists.
      if (nameOf(error) === 'ExecutionAlreadyExists') return 'already_started';
      throw error;
    }
  }

  async completeTask(token: string, output: { readonly stage: CourierStage }): Promise<boolean> {
    return this.#unlessStale(() =>
      this.#client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) })),
    );
  }

  /**
   * Fails a waiting courier task (e.g. the courier gave up): the ASL's Catch refunds and releases the stock.
   * False when no execution waits on the token.
   */
  async failTask(token: string, error: string, cause: string): Promise<boolean> {
    // Step Functions limits error to 256 and cause to 32,768 characters.
    return this.#unlessStale(() =>
      this.#client.send(
        new SendTaskFailureCommand({ taskToken: token, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }),
      ),
    );
  }

  /**
   * Tells Step Functions a courier task is still alive: the callback states have HeartbeatSeconds, and without a
   * heartbeat in that window the task fails with States.Timeout (cancelled and refunded). False when stale.
   */
  async heartbeat(token: string): Promise<boolean> {
    return this.#unlessStale(() => this.#client.send(new SendTaskHeartbeatCommand({ taskToken: token })));
  }

  async #unlessStale(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (STALE_TOKEN.has(nameOf(error) ?? '')) return false;
      throw error;
    }
  }
}
