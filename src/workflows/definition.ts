import type { TaskName } from './tasks.ts';

/** The one ASL file: the local runner reads it, CDK deploys it (`DefinitionBody.fromFile`). */
export const ORDER_ASL_URL = new URL('./order.asl.json', import.meta.url);

/** The placeholder every Task uses for the task Lambda; CDK substitutes the ARN, the local runner a dummy. */
export const TASK_FUNCTION_PLACEHOLDER = 'TaskFunctionArn';

export interface TaskStateInfo {
  readonly state: string;
  readonly resource: string;
  readonly waitsForToken: boolean;
  /** The task handler the state names (`Parameters.task`, or `Parameters.Payload.task` for callbacks). */
  readonly task: TaskName | string | undefined;
  readonly timeoutSeconds: number | undefined;
}

interface RawState {
  readonly Type?: string;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Parameters?: { readonly task?: string; readonly Payload?: { readonly task?: string } };
}

/** Every Task state of a definition (this machine has no Map or Parallel, so top-level states are all of them). */
export function taskStates(definition: { readonly States: Readonly<Record<string, RawState>> }): TaskStateInfo[] {
  return Object.entries(definition.States)
    .filter(([, s]) => s.Type === 'Task')
    .map(([state, s]) => {
      const resource = s.Resource ?? '';
      const waitsForToken = resource.endsWith('.waitForTaskToken');
      return {
        state,
        resource,
        waitsForToken,
        task: waitsForToken ? s.Parameters?.Payload?.task : s.Parameters?.task,
        timeoutSeconds: s.TimeoutSeconds,
      };
    });
}
