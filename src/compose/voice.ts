import { createPollyClient, createTranscribeClient } from '../../adapters/bedrock/cascade-clients.ts';
import { createSonicClient, NovaSonicVoiceModel } from '../../adapters/bedrock/nova-sonic/nova-sonic-voice-model.ts';
import { PollyTextToSpeech } from '../../adapters/bedrock/polly-text-to-speech.ts';
import { TranscribeSpeechToText } from '../../adapters/bedrock/transcribe-speech-to-text.ts';
import { loadVoicePrices } from '../../adapters/local/config-files.ts';
import type { AskDeps } from '../app/ask/deps.ts';
import type { ToolRegistry } from '../app/tools.ts';
import { DEFAULT_VOICE_SYSTEM_PROMPT, type VoiceDeps } from '../app/voice/deps.ts';
import type { Env } from '../config.ts';
import type { ModelId } from '../domain/ids.ts';
import { voiceCostUsd } from '../domain/voice/prices.ts';
import type { Logger } from '../ports/logger.ts';
import { CascadeVoiceModel } from '../voice/cascade/cascade-voice-model.ts';

/** Beside config/models.json, which prices the cascade's text model. */
const VOICE_PRICES_FILE = 'config/voice-prices.json';

/** Voice: Nova 2 Sonic speech-to-speech, and the Transcribe -> Bedrock -> Polly cascade on the /ask models. */
export async function composeVoice(env: Env, ask: AskDeps, tools: ToolRegistry, log: Logger): Promise<VoiceDeps> {
  const prices = await loadVoicePrices(VOICE_PRICES_FILE);
  const region = env.SONIC_REGION ?? env.AWS_REGION;
  const sonic = new NovaSonicVoiceModel(
    createSonicClient({ region, ...(env.BEDROCK_ENDPOINT ? { endpoint: env.BEDROCK_ENDPOINT } : {}) }),
    {
      modelId: env.SONIC_MODEL_ID,
      voice: env.SONIC_VOICE,
      endpointing: env.SONIC_ENDPOINTING,
      maxTokens: env.SONIC_MAX_TOKENS,
      renewAfterMs: env.VOICE_SESSION_RENEW_MS,
      log: log.child({ area: 'sonic' }),
    },
  );
  const chosen = ask.catalog.get(env.CASCADE_MODEL) ?? ask.catalog.defaultModel;
  const chain = [chosen, ...ask.catalog.fallbackChain.filter((m) => m.id !== chosen.id)];
  const cascade = new CascadeVoiceModel({
    stt: new TranscribeSpeechToText(createTranscribeClient(env.AWS_REGION), log),
    tts: new PollyTextToSpeech(createPollyClient(env.AWS_REGION)),
    textModel: ask.textModel,
    models: chain.map((m) => m.id as ModelId),
    languageCode: env.CASCADE_LANGUAGE,
    synthesis: { voice: env.POLLY_VOICE, engine: env.POLLY_ENGINE },
    turnPauseMs: env.CASCADE_TURN_PAUSE_MS,
    maxTokens: 600,
    maxToolRounds: 4,
    log: log.child({ area: 'cascade' }),
  });
  return {
    models: { sonic, cascade },
    tools: () => tools.list(),
    systemPrompt: env.VOICE_SYSTEM_PROMPT ?? DEFAULT_VOICE_SYSTEM_PROMPT,
    retry: { attempts: env.VOICE_RETRY_ATTEMPTS, delayMs: 1000 },
    price: (usage) => voiceCostUsd(usage, prices, (id) => ask.catalog.get(id)),
  };
}
