import { z } from 'zod';
import type { ModelInfo } from '../../src/domain/models/catalog.ts';
import type { TextRequest } from '../../src/ports/text-model.ts';

/**
 * A batch record's `modelInput` is the model's native InvokeModel body, not Converse: Amazon Nova takes
 * `messages-v1` (Nova user guide, "Complete request schema"), Anthropic Claude the Messages API body with
 * `anthropic_version: bedrock-2023-05-31` (Bedrock user guide, "Anthropic Claude Messages API"). Their output
 * bodies differ the same way. Other providers are not written: /bench runs them on demand.
 */
export type NativeFamily = 'nova' | 'claude';

export function familyOf(model: Pick<ModelInfo, 'provider' | 'baseModelId'>): NativeFamily | undefined {
  if (model.provider === 'anthropic' || /anthropic\.claude/.test(model.baseModelId)) return 'claude';
  if (model.provider === 'amazon' && /nova/.test(model.baseModelId)) return 'nova';
  return undefined;
}

/** The InvokeModel body for one text-only request (tools are not sent in batch). */
export function nativeBody(family: NativeFamily, request: TextRequest): Record<string, unknown> {
  const messages = request.messages.map((m) => ({
    role: m.role,
    text: m.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n'),
  }));
  if (family === 'nova') {
    return {
      schemaVersion: 'messages-v1',
      ...(request.system ? { system: [{ text: request.system }] } : {}),
      messages: messages.map((m) => ({ role: m.role, content: [{ text: m.text }] })),
      inferenceConfig: {
        ...(request.maxTokens === undefined ? {} : { maxTokens: request.maxTokens }),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      },
    };
  }
  return {
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: request.maxTokens ?? 1024,
    ...(request.system ? { system: request.system } : {}),
    messages: messages.map((m) => ({ role: m.role, content: [{ type: 'text', text: m.text }] })),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  };
}

const novaOutput = z.object({
  output: z.object({
    message: z.object({ content: z.array(z.object({ text: z.string().optional() }).passthrough()) }).passthrough(),
  }),
  usage: z.object({ inputTokens: z.number(), outputTokens: z.number() }).passthrough(),
});

const claudeOutput = z.object({
  content: z.array(z.object({ type: z.string(), text: z.string().optional() }).passthrough()),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).passthrough(),
});

export type ParsedOutput =
  | { readonly ok: true; readonly text: string; readonly inputTokens: number; readonly outputTokens: number }
  | { readonly ok: false; readonly message: string };

/** The answer text and token counts in a record's `modelOutput`. */
export function parseNativeOutput(family: NativeFamily, output: unknown): ParsedOutput {
  if (family === 'nova') {
    const parsed = novaOutput.safeParse(output);
    if (!parsed.success) return { ok: false, message: `unexpected Nova output: ${parsed.error.issues[0]?.message}` };
    const { output: o, usage } = parsed.data;
    return {
      ok: true,
      text: o.message.content.map((c) => c.text ?? '').join(''),
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
    };
  }
  const parsed = claudeOutput.safeParse(output);
  if (!parsed.success) return { ok: false, message: `unexpected Claude output: ${parsed.error.issues[0]?.message}` };
  const { content, usage } = parsed.data;
  return {
    ok: true,
    text: content.map((c) => (c.type === 'text' ? (c.text ?? '') : '')).join(''),
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
  };
}
