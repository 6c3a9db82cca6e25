import type {
  ContentBlock,
  ConverseStreamCommandInput,
  Message,
  SystemContentBlock,
  Tool,
  ToolResultContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { DocumentType } from '@smithy/types';
import type { ModelInfo } from '../../src/domain/models/catalog.ts';
import type { ChatMessage, ContentPart, TextRequest } from '../../src/ports/text-model.ts';

/** Our request in Converse shape. `model` is the catalog entry when known (profile id, sampling rules). */
export function toConverseInput(request: TextRequest, model: ModelInfo | undefined): ConverseStreamCommandInput {
  const input: ConverseStreamCommandInput = {
    modelId: model?.bedrockId ?? request.model,
    messages: toMessages(request.messages),
  };
  const system = toSystem(request.system);
  if (system) input.system = system;
  const maxTokens = request.maxTokens ?? model?.maxOutputTokens;
  // Claude 5.x rejects any custom sampling parameter, so temperature is dropped for them.
  const temperature = model?.fixedSampling ? undefined : request.temperature;
  if (maxTokens !== undefined || temperature !== undefined) {
    input.inferenceConfig = {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
    };
  }
  // Models that think by default get their effort / thinking setting, as the catalog words it.
  if (model?.reasoning) input.additionalModelRequestFields = model.reasoning.requestFields as DocumentType;
  if (request.tools && request.tools.length > 0) {
    input.toolConfig = {
      tools: request.tools.map(
        (t): Tool => ({
          toolSpec: { name: t.name, description: t.description, inputSchema: { json: t.inputSchema as DocumentType } },
        }),
      ),
    };
  }
  return input;
}

export const toSystem = (system: string | undefined): SystemContentBlock[] | undefined =>
  system === undefined || system === '' ? undefined : [{ text: system }];

export const toMessages = (messages: readonly ChatMessage[]): Message[] =>
  messages.map((m) => ({ role: m.role, content: m.content.map(toContentBlock) }));

function toContentBlock(part: ContentPart): ContentBlock {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'toolUse':
      return { toolUse: { toolUseId: part.toolUseId, name: part.name, input: part.input as DocumentType } };
    case 'toolResult': {
      // Converse wants an object for `json`; strings and arrays travel as text / wrapped.
      const content: ToolResultContentBlock =
        typeof part.result === 'string'
          ? { text: part.result }
          : { json: (isPlainObject(part.result) ? part.result : { result: part.result }) as DocumentType };
      return {
        toolResult: { toolUseId: part.toolUseId, content: [content], status: part.isError ? 'error' : 'success' },
      };
    }
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
