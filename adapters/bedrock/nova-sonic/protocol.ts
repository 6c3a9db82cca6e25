import { z } from 'zod';

/**
 * Nova 2 Sonic's bidirectional-stream events (shared/reference/nova-sonic.md sections 3 and 5): builders for what we
 * send, zod schemas for what the model sends (a trust boundary: we validate before acting on it).
 */

export type Endpointing = 'HIGH' | 'MEDIUM' | 'LOW';

export interface SessionSettings {
  readonly maxTokens: number;
  readonly topP: number;
  readonly temperature: number;
  readonly endpointing: Endpointing;
  readonly voice: string;
  readonly outputSampleRate: number;
}

export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

export type InputEvent = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export const sessionStart = (s: SessionSettings): InputEvent => ({
  sessionStart: {
    inferenceConfiguration: { maxTokens: s.maxTokens, topP: s.topP, temperature: s.temperature },
    turnDetectionConfiguration: { endpointingSensitivity: s.endpointing },
  },
});

export const promptStart = (promptName: string, s: SessionSettings, tools: readonly ToolSpec[]): InputEvent => ({
  promptStart: {
    promptName,
    textOutputConfiguration: { mediaType: 'text/plain' },
    audioOutputConfiguration: {
      mediaType: 'audio/lpcm',
      sampleRateHertz: s.outputSampleRate,
      sampleSizeBits: 16,
      channelCount: 1,
      voiceId: s.voice,
      encoding: 'base64',
      audioType: 'SPEECH',
    },
    ...(tools.length === 0
      ? {}
      : {
          toolUseOutputConfiguration: { mediaType: 'application/json' },
          toolConfiguration: {
            tools: tools.map((t) => ({
              // The schema travels as a JSON string, not an object.
              toolSpec: {
                name: t.name,
                description: t.description,
                inputSchema: { json: JSON.stringify(t.inputSchema) },
              },
            })),
          },
        }),
  },
});

export type TextRole = 'SYSTEM' | 'USER' | 'ASSISTANT';

/**
 * A whole text block: contentStart, one textInput per part, contentEnd. History and the system prompt are not
 * interactive; a USER message sent mid-stream for the model to answer is (Nova 2 cross-modal input).
 */
export function textBlock(
  promptName: string,
  role: TextRole,
  parts: readonly string[],
  interactive = false,
): InputEvent[] {
  const contentName = crypto.randomUUID();
  return [
    {
      contentStart: {
        promptName,
        contentName,
        type: 'TEXT',
        interactive,
        role,
        textInputConfiguration: { mediaType: 'text/plain' },
      },
    },
    ...parts.map((content) => ({ textInput: { promptName, contentName, content } })),
    { contentEnd: { promptName, contentName } },
  ];
}

export const audioStart = (promptName: string, contentName: string): InputEvent => ({
  contentStart: {
    promptName,
    contentName,
    type: 'AUDIO',
    interactive: true,
    role: 'USER',
    audioInputConfiguration: {
      mediaType: 'audio/lpcm',
      sampleRateHertz: 16_000,
      sampleSizeBits: 16,
      channelCount: 1,
      audioType: 'SPEECH',
      encoding: 'base64',
    },
  },
});

export const audioInput = (promptName: string, contentName: string, content: string): InputEvent => ({
  audioInput: { promptName, contentName, content },
});

export function toolResultBlock(promptName: string, toolUseId: string, content: string): InputEvent[] {
  const contentName = crypto.randomUUID();
  return [
    {
      contentStart: {
        promptName,
        contentName,
        interactive: false,
        type: 'TOOL',
        role: 'TOOL',
        toolResultInputConfiguration: { toolUseId, type: 'TEXT', textInputConfiguration: { mediaType: 'text/plain' } },
      },
    },
    { toolResult: { promptName, contentName, content } },
    { contentEnd: { promptName, contentName } },
  ];
}

export const contentEnd = (promptName: string, contentName: string): InputEvent => ({
  contentEnd: { promptName, contentName },
});
export const promptEnd = (promptName: string): InputEvent => ({ promptEnd: { promptName } });
export const sessionEnd = (): InputEvent => ({ sessionEnd: {} });

// --- output events ---

const role = z.enum(['USER', 'ASSISTANT', 'TOOL', 'SYSTEM', 'SYSTEM_SPEECH']);
const stage = z
  .string()
  .optional()
  .transform((fields) => {
    if (fields === undefined) return undefined;
    try {
      const parsed = JSON.parse(fields) as { generationStage?: unknown };
      return parsed.generationStage === 'SPECULATIVE' || parsed.generationStage === 'FINAL'
        ? parsed.generationStage
        : undefined;
    } catch {
      return undefined;
    }
  });

/** A usageEvent's per-modality token delta; a side the service leaves out counts zero. */
const tokenCount = z.number().int().nonnegative().default(0);
const tokenCounts = z
  .object({ speechTokens: tokenCount, textTokens: tokenCount })
  .loose()
  .default({ speechTokens: 0, textTokens: 0 });

export const outputEvent = z.union([
  z.object({
    contentStart: z.object({
      contentId: z.string(),
      type: z.enum(['TEXT', 'AUDIO', 'TOOL']),
      role,
      additionalModelFields: stage,
    }),
  }),
  z.object({ textOutput: z.object({ contentId: z.string().optional(), role: role.optional(), content: z.string() }) }),
  z.object({ audioOutput: z.object({ contentId: z.string().optional(), content: z.string() }) }),
  z.object({
    toolUse: z.object({
      contentId: z.string().optional(),
      toolName: z.string(),
      toolUseId: z.string(),
      content: z.string(),
    }),
  }),
  z.object({
    contentEnd: z.object({
      contentId: z.string().optional(),
      type: z.string().optional(),
      stopReason: z.string().optional(),
    }),
  }),
  z.object({ completionStart: z.object({}).loose() }),
  z.object({ completionEnd: z.object({ stopReason: z.string().optional() }).loose() }),
  z.object({
    usageEvent: z
      .object({
        details: z.object({ delta: z.object({ input: tokenCounts, output: tokenCounts }).loose() }).loose(),
      })
      .loose(),
  }),
]);

export type OutputEvent = z.infer<typeof outputEvent>;

/** The service's barge-in marker, sent as an ASSISTANT textOutput. */
export const isInterruptedMarker = (text: string): boolean => /\{\s*"interrupted"\s*:\s*true\s*\}/.test(text);
