import prism from 'prism-media';
import type { PcmFrame } from '../../../src/voice/pcm.ts';

/** What Discord sends: Opus at 48 kHz stereo, 20 ms (960 samples per channel) per packet. */
export const DISCORD_RATE = 48_000;
export const DISCORD_CHANNELS = 2;
export const DISCORD_FRAME_SIZE = 960;
const DISCORD_FRAME_MS = 20;

/** Per speaker: what arrived, what decoded, and the packets judged lost and concealed. */
export interface SpeakerPacketStats {
  received: number;
  decoded: number;
  lost: number;
  concealed: number;
}

/** Discord's "silence" Opus frame; a speaker sends five of them before going quiet (no loss after them). */
const SILENCE_FRAME = Buffer.from([0xf8, 0xff, 0xfe]);
/** Longer gaps are a pause, not loss: the speaker stopped and started again. */
const MAX_CONCEALED = 3;
/** An arrival gap this much over a whole number of 20 ms packets counts one more as lost (rides over jitter). */
const LOSS_MARGIN_MS = 16;

/**
 * One speaker's Opus decoder (decoders are stateful: one per speaker). Wraps prism-media's decoder over
 * opusscript; a corrupt packet is reported and the decoder rebuilt instead of ending the speaker's audio.
 *
 * Packet-loss concealment: @discordjs/voice 0.19 hands over payloads without their RTP sequence numbers, so loss
 * is judged from arrival times: while a speaker talks (no silence frame last), a gap of 2-4 packet times means
 * 1-3 packets were lost. Those are concealed by the decoder itself (libopus PLC: an empty packet, which continues
 * the speech from the decoder's state and cross-fades into the next real packet) instead of shortening the audio.
 * In-band FEC would need the Opus decoder's decode_fec flag, which neither opusscript nor prism-media exposes.
 */
export class SpeakerOpusDecoder {
  readonly stats: SpeakerPacketStats = { received: 0, decoded: 0, lost: 0, concealed: 0 };
  readonly #onFrame: (frame: PcmFrame) => void;
  readonly #onError: (error: unknown) => void;
  #decoder: prism.opus.Decoder;
  readonly #now: () => number;
  #lastAt: number | undefined;
  #talking = false;

  /** `now` (ms, monotonic) stamps arrivals when decode() is not told the time; loss is judged from the gaps. */
  constructor(
    onFrame: (frame: PcmFrame) => void,
    onError: (error: unknown) => void,
    now: () => number = () => performance.now(),
  ) {
    this.#onFrame = onFrame;
    this.#onError = onError;
    this.#now = now;
    this.#decoder = this.#create();
  }

  decode(packet: Buffer, arrivedAt: number = this.#now()): void {
    this.stats.received++;
    const gap = this.#lastAt === undefined ? 0 : arrivedAt - this.#lastAt;
    this.#lastAt = arrivedAt;
    const lost = this.#talking ? Math.floor((gap - LOSS_MARGIN_MS) / DISCORD_FRAME_MS) : 0;
    if (lost >= 1 && lost <= MAX_CONCEALED) this.#conceal(lost);
    this.#talking = !packet.equals(SILENCE_FRAME);
    this.#decoder.write(packet);
  }

  #conceal(packets: number): void {
    this.stats.lost += packets;
    const codec: unknown = (this.#decoder as unknown as { encoder?: unknown }).encoder;
    const decode = (codec as { decode?: (buffer: Buffer) => Buffer } | undefined)?.decode;
    if (typeof decode !== 'function') return;
    try {
      // libopus conceals a whole decode call's frame size (opusscript asks for 60 ms): keep what was lost.
      const pcm = decode.call(codec, Buffer.alloc(0));
      const bytes = Math.min(pcm.length, packets * DISCORD_FRAME_SIZE * DISCORD_CHANNELS * 2);
      if (bytes <= 0) return;
      this.#onFrame(pcmFrame(pcm.subarray(0, bytes)));
      this.stats.concealed += packets;
    } catch (error) {
      this.#onError(error);
    }
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
    decoder.on('data', (pcm: Buffer) => {
      this.stats.decoded++;
      this.#onFrame(pcmFrame(pcm));
    });
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
