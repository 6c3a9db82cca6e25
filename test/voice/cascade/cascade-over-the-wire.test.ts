import { afterEach, describe, expect, it } from 'vitest';
import { BedrockTextModel } from '../../../adapters/bedrock/bedrock-text-model.ts';
import { PollyTextToSpeech } from '../../../adapters/bedrock/polly-text-to-speech.ts';
import { TranscribeSpeechToText } from '../../../adapters/bedrock/transcribe-speech-to-text.ts';
import { userId } from '../../../src/domain/ids.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { CascadeVoiceModel } from '../../../src/voice/cascade/cascade-voice-model.ts';
import { bedrockClientFor, type FakeBedrock, startFakeBedrock } from '../../support/fake-bedrock.ts';
import { type FakePolly, pollyClientFor, startFakePolly } from '../../support/fake-polly.ts';
import { type FakeTranscribe, startFakeTranscribe, transcribeClientFor } from '../../support/fake-transcribe.ts';
import { aCatalog, aModel } from '../../support/models.ts';
import { eventsUntil } from '../../support/voice-fakes.ts';

/** The real Transcribe, Bedrock Runtime and Polly clients, each against its loopback fake. */
describe('cascade engine over the three wire protocols', () => {
  let fakes: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    fakes = [];
  });

  async function start(bedrockScript: Parameters<typeof startFakeBedrock>[0]) {
    const transcribe: FakeTranscribe = await startFakeTranscribe(() => ({
      results: [
        { afterBytes: 4096, text: 'where is', partial: true },
        { afterBytes: 8192, text: 'Where is my order?', partial: false },
      ],
    }));
    const bedrock: FakeBedrock = await startFakeBedrock(bedrockScript);
    const polly: FakePolly = await startFakePolly((request) => ({
      type: 'pcm',
      samples: new Int16Array(1600).fill(request.Text.length),
    }));
    fakes = [transcribe, bedrock, polly];
    const catalog = aCatalog([aModel('lite'), aModel('backup')]);
    const engine = new CascadeVoiceModel({
      stt: new TranscribeSpeechToText(transcribeClientFor(transcribe.endpoint), silentLogger),
      tts: new PollyTextToSpeech(pollyClientFor(polly.endpoint)),
      textModel: new BedrockTextModel(bedrockClientFor(bedrock.endpoint), catalog),
      models: catalog.models.map((m) => m.id),
      languageCode: 'en-US',
      synthesis: { voice: 'Joanna', engine: 'neural' },
      turnPauseMs: 10,
      maxTokens: 300,
      maxToolRounds: 2,
      log: silentLogger,
    });
    const conversation = await engine.open(
      { history: [], tools: [], caller: () => ({ user: userId('discord', 'ana'), isStaff: false }) },
      AbortSignal.timeout(20_000),
    );
    for (let i = 0; i < 12; i++) {
      conversation.sendAudio({ sampleRate: 16_000, channels: 1, samples: new Int16Array(512).fill(100) });
    }
    return { conversation, bedrock, polly };
  }

  it('hears, answers through ConverseStream and speaks each sentence through Polly', async () => {
    const { conversation, bedrock, polly } = await start(() => ({
      chunks: ['It left the kitchen. ', 'It arrives in ten minutes.'],
    }));
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(seen.find((e) => e.type === 'transcript' && e.role === 'user' && e.final)).toMatchObject({
      text: 'Where is my order?',
    });
    expect(polly.requests.map((r) => r.Text)).toEqual(['It left the kitchen.', 'It arrives in ten minutes.']);
    expect(seen.filter((e) => e.type === 'audio').length).toBeGreaterThanOrEqual(2);
    expect(bedrock.requests[0]?.modelId).toBe('us.test.lite-v1:0');
    await conversation.close();
  });

  it('answers from the next model when the first is throttled', async () => {
    const { conversation, bedrock } = await start((_request, modelId) =>
      modelId.includes('lite')
        ? { fail: { type: 'http', status: 429, errorType: 'ThrottlingException', message: 'slow down' } }
        : { chunks: ['Backup here.'] },
    );
    const seen = await eventsUntil(conversation.events, (e) => e.type === 'turnEnd');
    expect(bedrock.requests.map((r) => r.modelId)).toEqual(['us.test.lite-v1:0', 'us.test.backup-v1:0']);
    expect(seen.find((e) => e.type === 'transcript' && e.role === 'assistant')).toMatchObject({ text: 'Backup here.' });
    await conversation.close();
  });
});
