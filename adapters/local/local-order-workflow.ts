import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import { type OrderExecutions, reconcileOrders } from '../../src/app/orders/reconcile-orders.ts';
import type { OrderId } from '../../src/domain/ids.ts';
import { type CourierStage, isFinished, type Order } from '../../src/domain/orders/order.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { OrderStore } from '../../src/ports/order-store.ts';
import type { OrderWorkflow } from '../../src/ports/order-workflow.ts';
import { ORDER_ASL_URL, TASK_FUNCTION_PLACEHOLDER, taskStates } from '../../src/workflows/definition.ts';
import { type OrderSnapshot, runTask, snapshotOf, type TaskDeps } from '../../src/workflows/tasks.ts';

type Json = Parameters<StateMachine['run']>[0];
type Handler = (input: Json) => Promise<Json>;

export interface LocalWorkflowOptions {
  readonly deps: TaskDeps;
  readonly log: Logger;
  /** Replaces the ASL's retry backoff (tests, bench); absent: the real backoff. */
  readonly retryDelayMs?: number;
  /** How long a courier step may wait; absent: the Task's TimeoutSeconds. */
  readonly courierTimeoutMs?: number;
  /** How long a non-callback Task may run before it fails with States.Timeout; absent: its TimeoutSeconds. */
  readonly taskTimeoutMs?: number;
  /**
   * How many executions may be working at once (not counting those parked on a courier step) before `busy()` says
   * so and new orders are refused; absent: never busy.
   */
  readonly maxBacklog?: number;
  /** Replaces the handler of some states (tests inject failures). */
  readonly stateOverrides?: Readonly<Record<string, Handler>>;
  /** Wraps every Task state's handler (the fault suite injects throws, hangs and crashes around the real one). */
  readonly around?: (state: string, input: Json, run: () => Promise<Json>) => Promise<Json>;
}

export type { Handler as LocalTaskHandler, Json as LocalJson };

interface ParkedTask {
  readonly resolve: (output: Json) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** A dummy ARN: the runner never calls it, every Task is bound to a local handler. */
const LOCAL_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:orders-task';

/**
 * The task Lambda's own timeout (infra/order-stack.ts). A callback state's task (the status write before the wait)
 * that runs longer fails as Step Functions reports a Lambda timeout, `Lambda.Unknown`: its own step's failure, not
 * the courier's (whose wait is bounded by the state's TimeoutSeconds).
 */
const LAMBDA_TIMEOUT_MS = 25_000;

const died = (): Error => Object.assign(new Error('The process died'), { name: 'Shutdown' });

export function loadOrderDefinition(): ConstructorParameters<typeof StateMachine>[0] {
  const text = readFileSync(ORDER_ASL_URL, 'utf8').replaceAll(`\${${TASK_FUNCTION_PLACEHOLDER}}`, LOCAL_ARN);
  return JSON.parse(text);
}

/**
 * Runs the order ASL in this process with aws-local-stepfunctions. Executions live in memory; their state lives in
 * the store, so after a restart `resumeUnfinished` replays each unfinished order (the tasks are idempotent).
 * Callback tasks (`.waitForTaskToken`) park a promise under a fresh token that `completeTask` resolves.
 */
export class LocalOrderWorkflow implements OrderWorkflow {
  readonly #machine: StateMachine;
  readonly #handlers: Record<string, Handler>;
  readonly #options: LocalWorkflowOptions;
  readonly #retryOverrides: Record<string, number>;
  readonly #running = new Map<OrderId, { abort: () => void; done: Promise<void> }>();
  readonly #parked = new Map<string, ParkedTask>();
  /** Orders handed to start() by their writer: the validate step uses them instead of reading the order again. */
  readonly #known = new Map<OrderId, OrderSnapshot>();
  /** Task handlers running now: stop() lets them finish so no write lands on a closed store. */
  readonly #inFlight = new Set<Promise<unknown>>();
  /**
   * Orders whose execution failed here (the ASL's Fail paths, a runtime error): the periodic reconcile looks at
   * these only. Every other execution either still runs or ended on a final status, so the full scan of unfinished
   * orders runs once, at start (`resumeUnfinished`), not every minute over an ever-growing table.
   */
  readonly #suspects = new Set<OrderId>();
  /** Set by crash(): a dead process starts, resumes and completes nothing (its successor does). */
  #dead = false;

  constructor(options: LocalWorkflowOptions) {
    const definition = loadOrderDefinition();
    this.#options = options;
    this.#machine = new StateMachine(definition);
    this.#handlers = {};
    this.#retryOverrides = {};
    for (const info of taskStates(definition as never)) {
      const asl = (info.timeoutSeconds ?? 60) * 1000;
      const timeoutMs = info.waitsForToken
        ? (options.courierTimeoutMs ?? asl)
        : Math.min(options.taskTimeoutMs ?? asl, asl);
      const real: Handler =
        options.stateOverrides?.[info.state] ??
        (info.waitsForToken
          ? this.#callbackHandler(timeoutMs, Math.min(options.taskTimeoutMs ?? LAMBDA_TIMEOUT_MS, LAMBDA_TIMEOUT_MS))
          : info.task === 'validate'
            ? (input) => this.#validate(input)
            : (input) => this.#track(runTask(options.deps, input) as Promise<Json>));
      const around = options.around;
      const wrapped: Handler = around ? (input) => around(info.state, input, () => real(input)) : real;
      // aws-local-stepfunctions' abort() stops an execution only between states: the state running at the abort
      // still retries (at once, its backoff cut short) and runs its handler again. A dead runner runs none.
      this.#handlers[info.state] = (input) =>
        this.#dead ? Promise.reject(died()) : this.#withTimeout(wrapped(input), timeoutMs);
      if (options.retryDelayMs !== undefined) this.#retryOverrides[info.state] = options.retryDelayMs;
    }
  }

  /** State name -> handler: exposed so a test can check that every Task state has one. */
  get handlers(): Readonly<Record<string, Handler>> {
    return this.#handlers;
  }

  async start(order: OrderId, known?: Order): Promise<'started' | 'already_started'> {
    // As a StartExecution that fails: the order is left to the reconciler of the next process.
    if (this.#dead) throw died();
    if (this.#running.has(order)) return 'already_started';
    if (known?.id === order) this.#known.set(order, snapshotOf(known));
    const execution = this.#machine.run({ orderId: order } as Json, {
      overrides: { taskResourceLocalHandlers: this.#handlers, retryIntervalOverrides: this.#retryOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: `local:${order}`, Name: order },
        Task: { Token: 'replaced-by-the-local-handler' },
      } as never,
    });
    const done = execution.result.then(
      (output) => this.#options.log.debug({ order, output }, 'order workflow ended'),
      (error: unknown) => {
        this.#suspects.add(order);
        this.#options.log.info({ order, err: error }, 'order workflow failed');
      },
    );
    this.#running.set(order, { abort: execution.abort, done });
    void done.finally(() => {
      this.#running.delete(order);
      this.#known.delete(order);
    });
    return 'started';
  }

  async completeTask(token: string, output: { readonly stage: CourierStage }): Promise<boolean> {
    const parked = this.#parked.get(token);
    if (!parked) return false;
    this.#parked.delete(token);
    clearTimeout(parked.timer);
    parked.resolve({ ...output });
    return true;
  }

  async failTask(token: string, error: string, cause: string): Promise<boolean> {
    const parked = this.#parked.get(token);
    if (!parked) return false;
    this.#parked.delete(token);
    clearTimeout(parked.timer);
    parked.reject(Object.assign(new Error(cause), { name: error }));
    return true;
  }

  /**
   * The reconciler (the shared use case over this runner): restarts every order whose workflow is not running here
   * (after a restart, an execution that ended without a final status, a start that failed after the row was
   * written). Orders marked for staff (`needs_attention`) are left to staff. Returns how many it restarted.
   */
  async resumeUnfinished(): Promise<number> {
    return this.#reconcile(this.#options.deps.orders);
  }

  /**
   * The periodic pass: the reconciler over the orders whose execution failed here since the last pass (a failed
   * one may have left its order unfinished); the same decisions as `resumeUnfinished`, without scanning the table.
   */
  async reconcileSuspects(): Promise<number> {
    if (this.#dead || this.#suspects.size === 0) return 0;
    const ids = [...this.#suspects];
    this.#suspects.clear();
    const store = this.#options.deps.orders;
    return this.#reconcile({
      listUnfinished: async () =>
        (await Promise.all(ids.map((id) => store.get(id)))).filter(
          (order): order is Order => order !== undefined && !isFinished(order.status),
        ),
      transition: (...args) => store.transition(...args),
    });
  }

  async #reconcile(store: Pick<OrderStore, 'listUnfinished' | 'transition'>): Promise<number> {
    // A dead runner's executions would race the successor's on the same orders (one delivers, one times out).
    if (this.#dead) return 0;
    const report = await reconcileOrders(
      {
        store,
        executions: this.#executions,
        notices: this.#options.deps.notices,
        now: this.#options.deps.now,
        log: this.#options.log,
      },
      // This process knows every execution it started: nothing not running here is "on the way".
      { staleReceivedMs: 0, maxAttempts: Number.POSITIVE_INFINITY, shouldStop: () => this.#dead },
    );
    return report.started + report.restarted;
  }

  /** The runner as the reconciler sees it: an execution runs here or not at all (no redrive in memory). */
  readonly #executions: OrderExecutions = {
    state: async (order) => ({ status: this.#running.has(order.id) ? 'running' : 'missing' }),
    redrive: async (order) => {
      await this.#executions.restart(order);
    },
    restart: async (order) => {
      if (this.#dead || this.#running.has(order.id)) return 'running';
      // A token from the previous process resolves nothing now; the replay parks under a fresh one.
      if (order.awaiting) await this.#options.deps.orders.clearAwaiting(order.id);
      return (await this.start(order.id)) === 'started' ? 'started' : 'running';
    },
  };

  /** Executions working now: running, minus those parked on a courier step (they wait, they cost nothing). */
  get backlog(): number {
    return this.#running.size - this.#parked.size;
  }

  busy(): boolean {
    return this.#options.maxBacklog !== undefined && this.backlog >= this.#options.maxBacklog;
  }

  /** Resolves when the order's execution ends (at once when none runs). */
  async settled(order: OrderId): Promise<void> {
    await this.#running.get(order)?.done;
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /** Resolves once no execution runs and no task handler (a late one included) is still in flight. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#inFlight.size > 0) {
      await Promise.allSettled([...[...this.#running.values()].map((e) => e.done), ...this.#inFlight]);
    }
  }

  /**
   * Simulates the process dying (fault suite): every execution stops where it is, nothing is awaited. Handlers
   * already running carry on, as a Lambda does after its execution is gone; their writes meet the tombstones.
   * The runner stays dead: a later start() fails (the order is left to the reconciler) and resumeUnfinished()
   * resumes nothing, so no second execution of an order races the one its successor resumes.
   */
  crash(): void {
    this.#dead = true;
    for (const execution of this.#running.values()) execution.abort();
    for (const parked of this.#parked.values()) {
      clearTimeout(parked.timer);
      parked.reject(died());
    }
    this.#parked.clear();
  }

  /**
   * Stops all executions (shutdown); their orders resume on the next start. Executions are aborted first, so
   * failing their parked callbacks afterwards runs no Catch (no refund for an order that is merely paused); it
   * only lets the runner clear its own task and execution timers.
   */
  async stop(): Promise<void> {
    const running = [...this.#running.values()];
    for (const execution of running) execution.abort();
    for (const parked of this.#parked.values()) {
      clearTimeout(parked.timer);
      parked.reject(Object.assign(new Error('The bot is shutting down'), { name: 'Shutdown' }));
    }
    this.#parked.clear();
    await Promise.allSettled([...running.map((e) => e.done), ...this.#inFlight]);
  }

  /**
   * Step Functions' task timeout: the state fails with States.Timeout, the handler is not cancelled. The real
   * handler's promise is tracked, so `stop()` and `idle()` wait for its late writes too (the tombstones make them
   * harmless).
   */
  #withTimeout<T>(tracked: Promise<T>, timeoutMs: number, name = 'States.Timeout'): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`Task timed out after ${timeoutMs} ms`), { name })),
        timeoutMs,
      );
    });
    return Promise.race([tracked, timeout]).finally(() => clearTimeout(timer));
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** The first validate of an execution started with the order in hand returns it; a later one (retry) reads. */
  #validate(input: Json): Promise<Json> {
    const id = (input as { orderId?: unknown }).orderId;
    const known = typeof id === 'string' ? this.#known.get(id as OrderId) : undefined;
    if (known === undefined) return this.#track(runTask(this.#options.deps, input) as Promise<Json>);
    this.#known.delete(known.id);
    return Promise.resolve({ ...known } as Json);
  }

  #callbackHandler(timeoutMs: number, invokeTimeoutMs: number): Handler {
    return async (input) => {
      const payload = (input as { Payload?: Record<string, unknown> }).Payload ?? {};
      const token = `local-${randomUUID()}`;
      const { promise, resolve, reject } = Promise.withResolvers<Json>();
      // Handled by the runner once returned; this guard covers a rejection while the task itself still runs.
      promise.catch(() => {});
      // Park before running the task: a demo courier with no delay may complete it at once.
      const timer = setTimeout(() => {
        this.#parked.delete(token);
        // The name the ASL's Catch matches, as Step Functions reports a task that timed out.
        reject(Object.assign(new Error('No callback before the task timeout'), { name: 'States.Timeout' }));
      }, timeoutMs);
      this.#parked.set(token, { resolve, reject, timer });
      try {
        const outcome = await this.#withTimeout(
          this.#track(runTask(this.#options.deps, { ...payload, token })),
          invokeTimeoutMs,
          'Lambda.Unknown',
        );
        if (outcome.waiting === false) {
          clearTimeout(timer);
          this.#parked.delete(token);
          return {};
        }
      } catch (error) {
        clearTimeout(timer);
        this.#parked.delete(token);
        throw error;
      }
      return promise;
    };
  }
}
