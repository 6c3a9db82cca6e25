import type { ToolCaller } from '../../../src/app/tools.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { VoiceEvent, VoiceSessionOptions } from '../../../src/ports/voice-model.ts';
import { isInterruptedMarker, type OutputEvent, outputEvent } from './protocol.ts';

export interface ModelEventsDeps {
  readonly log: Logger;
  readonly outputSampleRate: number;
  readonly tools: VoiceSessionOptions['tools'];
  readonly caller: () => ToolCaller;
  readonly signal: AbortSignal;
  readonly emit: (event: VoiceEvent) => void;
  readonly sendToolResult: (toolUseId: string, content: string) => void;
}

interface ContentInfo {
  readonly role: string;
  readonly type: string;
  readonly stage: 'SPECULATIVE' | 'FINAL' | undefined;
}

interface PendingTool {
  readonly toolName: string;
  readonly toolUseId: string;
  readonly content: string;
}

const KNOWN = new Set([
  'contentStart',
  'textOutput',
  'audioOutput',
  'toolUse',
  'contentEnd',
  'completionStart',
  'completionEnd',
  'usageEvent',
]);
const decoder = new TextDecoder();

/**
 * Turns the model's output events into VoiceEvents: transcripts (by generation stage), 24 kHz audio frames,
 * barge-in, turn ends, and tool runs (which never block the output loop; results go back as toolResult blocks).
 */
export class ModelEvents {
  readonly #deps: ModelEventsDeps;
  readonly #contents = new Map<string, ContentInfo>();
  #pendingTools: PendingTool[] = [];
  // The assistant's turn ends when its audio ended and every SPECULATIVE sentence has its FINAL (as AWS's
  // session-continuation sample decides), so a renewal at turnEnd carries the whole answer in the history.
  #turn = { speculative: 0, final: 0, audioEnded: false, ended: true, interrupted: false };

  constructor(deps: ModelEventsDeps) {
    this.#deps = deps;
  }

  handleBytes(bytes: Uint8Array): void {
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(bytes));
    } catch {
      this.#deps.log.warn({ bytes: bytes.length }, 'nova sonic sent an event that is not JSON; skipped');
      return;
    }
    const event = (json as { event?: unknown } | null)?.event;
    const name = event && typeof event === 'object' ? Object.keys(event)[0] : undefined;
    if (name === undefined || !KNOWN.has(name)) {
      this.#deps.log.debug({ name }, 'nova sonic event ignored');
      return;
    }
    const parsed = outputEvent.safeParse(event);
    if (!parsed.success) {
      this.#deps.log.warn({ name, issues: parsed.error.issues }, 'nova sonic event failed validation; skipped');
      return;
    }
    this.#handle(parsed.data);
  }

  #handle(event: OutputEvent): void {
    if ('contentStart' in event) {
      const c = event.contentStart;
      this.#contents.set(c.contentId, { role: c.role, type: c.type, stage: c.additionalModelFields });
      if (c.role === 'USER' || (c.type === 'AUDIO' && this.#turn.ended)) this.#newTurn();
      if (c.type === 'AUDIO') this.#turn.interrupted = false;
    } else if ('textOutput' in event) {
      this.#text(event.textOutput);
    } else if ('audioOutput' in event) {
      const bytes = Buffer.from(event.audioOutput.content, 'base64');
      // Copy into an aligned buffer: Int16Array views need an even byte offset.
      const samples = new Int16Array(bytes.length >> 1);
      new Uint8Array(samples.buffer).set(bytes.subarray(0, samples.length * 2));
      this.#turn.ended = false;
      this.#deps.emit({ type: 'audio', frame: { sampleRate: this.#deps.outputSampleRate, channels: 1, samples } });
    } else if ('toolUse' in event) {
      const { toolName, toolUseId, content } = event.toolUse;
      this.#pendingTools.push({ toolName, toolUseId, content });
    } else if ('contentEnd' in event) {
      const end = event.contentEnd;
      const info = end.contentId === undefined ? undefined : this.#contents.get(end.contentId);
      if (end.contentId !== undefined) this.#contents.delete(end.contentId);
      const type = end.type ?? info?.type;
      if (type === 'TOOL') this.#runPendingTools();
      if (end.stopReason === 'INTERRUPTED') this.#interrupted();
      else if (type === 'AUDIO' && end.stopReason === 'END_TURN') {
        this.#turn.audioEnded = true;
        this.#maybeTurnEnd();
      }
    } else if ('completionEnd' in event) {
      if (!this.#turn.ended && !this.#turn.interrupted) this.#endTurn();
    } else if ('usageEvent' in event) {
      this.#usage(event.usageEvent.details.delta);
    }
  }

  #text(out: { contentId?: string | undefined; role?: string | undefined; content: string }): void {
    const info = out.contentId === undefined ? undefined : this.#contents.get(out.contentId);
    const role = out.role ?? info?.role;
    if (isInterruptedMarker(out.content)) {
      this.#interrupted();
      return;
    }
    const text = out.content.trim();
    if (!text) return;
    if (role === 'USER') {
      this.#deps.emit({ type: 'transcript', role: 'user', text, final: info?.stage !== 'SPECULATIVE' });
    } else if (role === 'ASSISTANT') {
      const final = info?.stage === 'FINAL';
      if (final) this.#turn.final++;
      else this.#turn.speculative++;
      this.#turn.ended = false;
      this.#deps.emit({ type: 'transcript', role: 'assistant', text, final });
      this.#maybeTurnEnd();
    }
  }

  /** Each usageEvent carries the tokens since the previous one (the totals would double-count across sessions). */
  #usage(delta: {
    input: { speechTokens: number; textTokens: number };
    output: { speechTokens: number; textTokens: number };
  }): void {
    const { input, output } = delta;
    if (input.speechTokens + input.textTokens + output.speechTokens + output.textTokens === 0) return;
    this.#deps.emit({
      type: 'usage',
      usage: {
        meter: 'sonic',
        speechInputTokens: input.speechTokens,
        speechOutputTokens: output.speechTokens,
        textInputTokens: input.textTokens,
        textOutputTokens: output.textTokens,
      },
    });
  }

  #newTurn(): void {
    this.#turn = { speculative: 0, final: 0, audioEnded: false, ended: false, interrupted: false };
  }

  #interrupted(): void {
    // The marker and the AUDIO contentEnd(INTERRUPTED) both announce one barge-in: emit it once.
    if (this.#turn.interrupted) return;
    this.#turn.interrupted = true;
    this.#turn.ended = true;
    this.#deps.emit({ type: 'interrupted' });
  }

  #maybeTurnEnd(): void {
    const t = this.#turn;
    if (!t.ended && !t.interrupted && t.audioEnded && t.final >= t.speculative) this.#endTurn();
  }

  #endTurn(): void {
    this.#turn.ended = true;
    this.#deps.emit({ type: 'turnEnd' });
  }

  #runPendingTools(): void {
    const tools = this.#pendingTools;
    this.#pendingTools = [];
    for (const use of tools) void this.#runTool(use);
  }

  /** Never rejects: every failure becomes a tool result the model can talk about. */
  async #runTool(use: PendingTool): Promise<void> {
    const d = this.#deps;
    d.emit({ type: 'tool', name: use.toolName, status: 'started' });
    let content: string;
    let ok = false;
    try {
      const tool = d.tools.find((t) => t.name === use.toolName);
      if (!tool) {
        content = JSON.stringify({ error: `There is no tool named ${use.toolName}.` });
      } else {
        const input = parseArguments(use.content);
        if (input === INVALID) {
          content = JSON.stringify({ error: 'The tool arguments were not valid JSON.' });
        } else {
          const outcome = await tool.run(input, d.caller(), d.signal);
          ok = outcome.ok;
          content = JSON.stringify(outcome.ok ? (outcome.result ?? null) : { error: outcome.error });
        }
      }
    } catch (error) {
      d.log.error({ err: error, tool: use.toolName }, 'voice tool threw');
      content = JSON.stringify({ error: 'The tool failed unexpectedly.' });
    }
    if (d.signal.aborted) return;
    d.sendToolResult(use.toolUseId, content);
    d.emit({ type: 'tool', name: use.toolName, status: ok ? 'done' : 'failed' });
  }
}

const INVALID = Symbol('invalid');

function parseArguments(content: string): unknown {
  if (!content.trim()) return {};
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return INVALID;
  }
}
