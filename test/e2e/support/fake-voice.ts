import type { PlaygroundVoiceHook } from '../../../adapters/web/voice-route.ts';
import type { VoiceSurface } from '../../../src/chat/voice-surface.ts';
import { ok } from '../../../src/domain/result.ts';
import type { PcmFrame } from '../../../src/voice/pcm.ts';

/** Half a second of a 440 Hz tone at 24 kHz, as Nova Sonic would send speech. */
export function tone(ms = 500, sampleRate = 24_000): PcmFrame {
  const samples = new Int16Array(Math.round((sampleRate * ms) / 1000));
  for (let i = 0; i < samples.length; i++)
    samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
  return { sampleRate, channels: 1, samples };
}

/**
 * A stand-in for the conversation loop: after about half a second of microphone audio it posts a transcript
 * line and answers with a tone, then keeps counting frames until the socket closes.
 */
export function echoVoice(): { hook: PlaygroundVoiceHook; framesHeard: () => number } {
  let frames = 0;
  const hook: PlaygroundVoiceHook = ({ invoker, io, channelName }): VoiceSurface => ({
    async join() {
      const listen = async () => {
        for await (const { frame } of io.speech) {
          frames++;
          if (frame.sampleRate !== 16_000) await io.post(`unexpected rate ${frame.sampleRate}`);
          if (frames === 25) {
            await io.post(`You (${invoker.displayName}): hello bot`);
            io.play(tone());
            await io.post('Bot: hello human');
          }
        }
      };
      void listen().catch(() => {});
      return ok({ channelName });
    },
    async leave() {
      return ok({});
    },
  });
  return { hook, framesHeard: () => frames };
}
