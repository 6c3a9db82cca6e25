import prism from 'prism-media';
import type { PcmFrame } from '../../../src/voice/pcm.ts';

/** What Discord sends: Opus at 48 kHz stereo, 20 ms (960 samples per channel) per packet. */
export const DISCORD_RATE = 48_000;
export const DISCORD_CHANNELS = 2;
export const DISCORD_FRAME_SIZE = 960;

/**
 * One speaker's Opus decoder (decoders are stateful: one per speaker). Wraps prism-media's decoder over
 * opusscript; a corrupt packet is reported and the decoder rebuilt instead of ending the speaker's audio.
 */
export class SpeakerOpusDecoder {
  readonly #onFrame: (frame: PcmFrame) => void;
  readonly #onError: (error: unknown) => void;
  #decoder: prism.opus.Decoder;

  constructor(onFrame: (frame: PcmFrame) => void, onError: (error: unknown) => void) {
    this.#onFrame = onFrame;
    this.#onError = onError;
    this.#decoder = this.#create();
  }

  decode(packet: Buffer): void {
    this.#decoder.write(packet);
  }

  close(): void {
    this.#decoder.destroy();
  }

  #create(): prism.opus.Decoder {
    const decoder = new prism.opus.Decoder({
      rate: DISCORD_RATE,
      channels: DISCORD_CHANNELS,
      frameSize: DISCORD_FRAME_SIZE,
    });
    decoder.on('data', (pcm: Buffer) => this.#onFrame(pcmFrame(pcm)));
    decoder.on('error', (error) => {
      this.#onError(error);
      if (this.#decoder === decoder) this.#decoder = this.#create();
    });
    return decoder;
  }
}

/** A 48 kHz stereo frame over decoded bytes (copied only when the Buffer is not 2-byte aligned). */
export const pcmFrame = (pcm: Buffer): PcmFrame => {
  const aligned = pcm.byteOffset % 2 === 0 ? pcm : Buffer.from(pcm);
  const samples = new Int16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1);
  return { sampleRate: DISCORD_RATE, channels: DISCORD_CHANNELS, samples };
};
