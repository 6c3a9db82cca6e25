import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfnOrderWorkflow } from '../../../adapters/aws/sfn-order-workflow.ts';
import type { OrderId } from '../../../src/domain/ids.ts';

const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:sonicord-orders';
const ORDER = 'ord_abcdefghij012345' as OrderId;
const meta = { $metadata: {} };

describe('SfnOrderWorkflow', () => {
  const client = new SFNClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const sfn = mockClient(client);
  const workflow = new SfnOrderWorkflow(client, ARN);

  beforeEach(() => sfn.reset());
  afterEach(() => sfn.reset());

  it('starts a Standard execution named after the order, with the order id as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:${ORDER}`, startDate: new Date() });
    await expect(workflow.start(ORDER)).resolves.toBe('started');
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      stateMachineArn: ARN,
      name: ORDER,
      input: JSON.stringify({ orderId: ORDER }),
    });
  });

  it('treats ExecutionAlreadyExists as the order already running: a retried /order starts nothing new', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', ...meta }));
    await expect(workflow.start(ORDER)).resolves.toBe('already_started');
  });

  it('lets other start failures through (a bug or a misconfiguration, not an expected outcome)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ message: 'State Machine Does Not Exist', ...meta }));
    await expect(workflow.start(ORDER)).rejects.toThrow(/State Machine Does Not Exist/);
  });

  it('completes a courier task with SendTaskSuccess and the stage as JSON output', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await expect(workflow.completeTask('token-1', { stage: 'out_for_delivery' })).resolves.toBe(true);
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-1',
      output: '{"stage":"out_for_delivery"}',
    });
  });

  it.each([
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'gone', ...meta })],
    ['TaskTimedOut', new TaskTimedOut({ message: 'timed out', ...meta })],
    ['InvalidToken', new InvalidToken({ message: 'bad token', ...meta })],
  ])('answers false for a stale token (%s)', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    sfn.on(SendTaskHeartbeatCommand).rejects(error);
    await expect(workflow.completeTask('old', { stage: 'delivered' })).resolves.toBe(false);
    await expect(workflow.heartbeat('old')).resolves.toBe(false);
  });

  it('throws on other SendTaskSuccess failures (throttling, access denied)', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(workflow.completeTask('token-1', { stage: 'preparing' })).rejects.toThrow(/Rate exceeded/);
  });

  it('sends heartbeats and failures for a waiting task, trimming error and cause to the service limits', async () => {
    sfn.on(SendTaskHeartbeatCommand).resolves({});
    sfn.on(SendTaskFailureCommand).resolves({});
    await expect(workflow.heartbeat('token-2')).resolves.toBe(true);
    await expect(workflow.failTask('token-2', 'CourierGaveUp'.repeat(30), 'flat tyre')).resolves.toBe(true);
    expect(sfn.commandCalls(SendTaskHeartbeatCommand)[0]?.args[0].input).toEqual({ taskToken: 'token-2' });
    const failure = sfn.commandCalls(SendTaskFailureCommand)[0]?.args[0].input;
    expect(failure?.taskToken).toBe('token-2');
    expect(failure?.error).toHaveLength(256);
    expect(failure?.cause).toBe('flat tyre');
  });

  it('refuses a state machine reference that is not an ARN, naming the variable to fix', () => {
    expect(() => new SfnOrderWorkflow(client, 'sonicord-orders')).toThrow(/ORDERS_STATE_MACHINE_ARN/);
  });
});
