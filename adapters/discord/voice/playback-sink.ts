import { Readable } from 'node:stream';
import { type AudioResource, createAudioResource, StreamType } from '@discordjs/voice';
import type prism from 'prism-media';
import type { FrameSink } from '../../../src/voice/jitter-buffer.ts';
import type { PcmFrame } from '../../../src/voice/pcm.ts';

/** The part of @discordjs/voice's AudioPlayer playback needs (a structural type, so tests can watch it). */
export interface PlayerLike {
  play(resource: AudioResource): void;
  stop(force?: boolean): boolean;
}

/**
 * Plays each utterance from the jitter buffer as one AudioResource over a raw 48 kHz stereo s16le stream; the
 * resource's pipeline encodes it to Opus. Ending the stream lets the player go idle (the speaking light goes
 * off); abort stops the player at once and destroys what it still holds.
 */
export class DiscordPlaybackSink implements FrameSink {
  readonly #player: PlayerLike;
  #stream: Readable | undefined;

  constructor(player: PlayerLike) {
    this.#player = player;
  }

  start(): void {
    this.#stream?.destroy();
    // A push-driven stream: the jitter buffer paces writes, so reads have nothing to do.
    const stream = new Readable({ read() {} });
    this.#stream = stream;
    const resource = createAudioResource(stream, { inputType: StreamType.Raw });
    setEncoderComplexity(resource.encoder, SPEECH_COMPLEXITY);
    this.#player.play(resource);
  }

  write(frame: PcmFrame): void {
    if (frame.sampleRate !== 48_000 || frame.channels !== 2) {
      throw new Error(`Discord playback takes 48 kHz stereo, got ${frame.sampleRate} Hz x${frame.channels}`);
    }
    const { buffer, byteOffset, byteLength } = frame.samples;
    this.#stream?.push(Buffer.from(buffer, byteOffset, byteLength));
  }

  end(): void {
    this.#stream?.push(null);
    this.#stream = undefined;
  }

  abort(): void {
    this.#player.stop(true);
    this.#stream?.destroy();
    this.#stream = undefined;
  }
}

/**
 * Opus encoder complexity for speech. opusscript (wasm) at the default 10 costs about 0.6 ms per 20 ms stereo
 * frame on our machines, 5 about 0.16 ms, 3 about 0.09 ms; speech at 3 is still clean (mobile VoIP stacks use
 * 3-5). See npm run bench:voice.
 */
export const SPEECH_COMPLEXITY = 3;
const OPUS_SET_COMPLEXITY_REQUEST = 4010;

type Ctl = (request: number, value: number) => void;

/** Sets the complexity on prism-media's encoder, whichever Opus library it loaded (opusscript or @discordjs/opus). */
export const setEncoderComplexity = (encoder: prism.opus.Encoder | undefined, complexity: number): void => {
  const native: unknown = encoder?.encoder;
  if (typeof native !== 'object' || native === null) return;
  const { encoderCTL, applyEncoderCTL } = native as { encoderCTL?: Ctl; applyEncoderCTL?: Ctl };
  (encoderCTL ?? applyEncoderCTL)?.call(native, OPUS_SET_COMPLEXITY_REQUEST, complexity);
};
