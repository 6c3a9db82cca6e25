import { SFNClient, StartSyncExecutionCommand, type StartSyncExecutionCommandOutput } from '@aws-sdk/client-sfn';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import type { ChainInput, ChainOutput, KnowledgeChain } from '../../src/ports/knowledge.ts';
import { chainExecutionInput, parseChainOutput } from '../../src/workflows/kb-chain.ts';

/**
 * The knowledge chain on AWS: the Express workflow deployed by infra/ from the same ASL file, called with
 * StartSyncExecution. That call answers HTTP 200 even when the execution failed, so `status` decides.
 * The SFN client must be built with `disableHostPrefix` when pointed at a custom endpoint (the API adds `sync-`).
 */
export class SfnKnowledgeChain implements KnowledgeChain {
  readonly #client: SFNClient;
  readonly #stateMachineArn: string;
  readonly #limit: number;

  constructor(client: SFNClient, stateMachineArn: string, limit = 5) {
    this.#client = client;
    this.#stateMachineArn = stateMachineArn;
    this.#limit = limit;
  }

  async prepare(input: ChainInput, signal?: AbortSignal): Promise<Result<ChainOutput>> {
    let response: StartSyncExecutionCommandOutput;
    try {
      response = await this.#client.send(
        new StartSyncExecutionCommand({
          stateMachineArn: this.#stateMachineArn,
          input: JSON.stringify(chainExecutionInput(input, this.#limit)),
        }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      if (signal?.aborted) return err(appError('kb.chain_aborted', 'The question was cancelled.'));
      return err(
        appError(
          'kb.chain_failed',
          `The knowledge workflow could not start (${name}: ${error instanceof Error ? error.message : String(error)}).`,
          'Check KB_CHAIN_STATE_MACHINE_ARN and the bot role (states:StartSyncExecution).',
        ),
      );
    }
    if (response.status !== 'SUCCEEDED') {
      return err(
        appError(
          'kb.chain_failed',
          `The knowledge workflow ${response.status?.toLowerCase() ?? 'failed'}: ${response.error ?? 'no error'} ${response.cause ?? ''}`.trim(),
        ),
      );
    }
    let output: unknown;
    try {
      output = JSON.parse(response.output ?? 'null');
    } catch {
      output = undefined;
    }
    const parsed = parseChainOutput(output);
    return parsed
      ? ok(parsed)
      : err(appError('kb.chain_failed', 'The knowledge workflow returned an unexpected output.'));
  }
}

/** The adapter with a client from the default credential chain. */
export const sfnKnowledgeChain = (region: string, stateMachineArn: string, limit: number): SfnKnowledgeChain =>
  new SfnKnowledgeChain(new SFNClient({ region }), stateMachineArn, limit);
