import type { WebSocket } from 'ws';
import type { UserId } from '../../src/domain/ids.ts';
import type { SpeakerFrame, VoiceChannelIo } from '../../src/voice/channel-io.ts';
import type { PcmFrame } from '../../src/voice/pcm.ts';

/** The page sends 16 kHz mono Int16 little-endian frames from its AudioWorklet. */
export const micSampleRate = 16_000;
/** About 10 s of 20 ms frames: if the loop stalls, old speech is dropped rather than memory growing. */
const maxQueuedFrames = 500;

/**
 * The playground microphone socket as a voice channel. In: binary frames of 16 kHz mono Int16 PCM.
 * Out: binary frames of `[uint32 LE sample rate][Int16 LE mono samples]` (the page plays any rate, so
 * the model's 24 kHz speech passes through untouched), and JSON text messages: `{type:'interrupted'}`
 * and `{type:'line', text}` for transcripts and notes.
 */
export class WebVoiceChannelIo implements VoiceChannelIo {
  readonly speech: AsyncIterable<SpeakerFrame>;
  readonly #socket: WebSocket;
  readonly #speaker: UserId;
  readonly #name: string | undefined;
  readonly #queue: SpeakerFrame[] = [];
  /** Frames from the page, and those dropped because the loop fell behind (for /voice status). */
  received = 0;
  dropped = 0;
  #wake: (() => void) | undefined;
  #ended = false;

  constructor(socket: WebSocket, speaker: UserId, name?: string) {
    this.#socket = socket;
    this.#speaker = speaker;
    this.#name = name;
    this.speech = { [Symbol.asyncIterator]: () => this.#frames() };
  }

  /** Feeds one binary message from the page; odd byte counts are cut to whole samples. */
  receive(data: Buffer): void {
    if (this.#ended || data.length < 2) return;
    const samples = new Int16Array(data.length >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = data.readInt16LE(i * 2);
    this.#queue.push({ speaker: this.#speaker, frame: { sampleRate: micSampleRate, channels: 1, samples } });
    this.received++;
    if (this.#queue.length > maxQueuedFrames) {
      this.#queue.shift();
      this.dropped++;
    }
    this.#wakeReader();
  }

  nameOf(speaker: UserId): string | undefined {
    return speaker === this.#speaker ? this.#name : undefined;
  }

  /** The socket closed: the speech stream ends after what is queued. */
  end(): void {
    this.#ended = true;
    this.#wakeReader();
  }

  play(frame: PcmFrame): void {
    const mono = toMono(frame);
    const out = Buffer.alloc(4 + mono.length * 2);
    out.writeUInt32LE(frame.sampleRate, 0);
    for (let i = 0; i < mono.length; i++) out.writeInt16LE(mono[i] ?? 0, 4 + i * 2);
    this.#sendRaw(out);
  }

  stopPlayback(): void {
    this.#sendRaw(JSON.stringify({ type: 'interrupted' }));
  }

  async post(line: string): Promise<void> {
    this.#sendRaw(JSON.stringify({ type: 'line', text: line }));
  }

  #sendRaw(data: Buffer | string): void {
    if (this.#socket.readyState === this.#socket.OPEN) this.#socket.send(data);
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *#frames(): AsyncGenerator<SpeakerFrame> {
    for (;;) {
      const next = this.#queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.#ended) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

function toMono(frame: PcmFrame): Int16Array {
  if (frame.channels === 1) return frame.samples;
  const mono = new Int16Array(frame.samples.length >> 1);
  for (let i = 0; i < mono.length; i++) {
    mono[i] = ((frame.samples[2 * i] ?? 0) + (frame.samples[2 * i + 1] ?? 0)) >> 1;
  }
  return mono;
}
