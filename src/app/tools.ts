import type { UserId } from '../domain/ids.ts';

/** Who a tool acts for. Set by our code from the platform identity; a tool never trusts ids in its input. */
export interface ToolCaller {
  readonly user: UserId;
  readonly isStaff: boolean;
  /** The server the caller speaks from (`discord:<guild>`…): tools see only that server's orders; absent: a DM. */
  readonly space?: string;
}

/** A capability a model may call (order assistant, voice). Input is validated by the tool itself (zod). */
export interface Tool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
  run(input: unknown, caller: ToolCaller, signal?: AbortSignal): Promise<ToolOutcome>;
}

export type ToolOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: string };

/** Tools by name. Areas register theirs at composition time (orders add order tools). */
export class ToolRegistry {
  readonly #tools = new Map<string, Tool>();

  register(...tools: readonly Tool[]): this {
    for (const tool of tools) {
      if (this.#tools.has(tool.name)) throw new Error(`Tool registered twice: ${tool.name}`);
      this.#tools.set(tool.name, tool);
    }
    return this;
  }

  list(): readonly Tool[] {
    return [...this.#tools.values()];
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }
}
