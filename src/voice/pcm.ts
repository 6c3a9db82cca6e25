/** A block of signed 16-bit PCM; frames always say their rate and channel count. */
export interface PcmFrame {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** Interleaved when stereo. */
  readonly samples: Int16Array;
}

export const frameDurationMs = (frame: PcmFrame): number =>
  (frame.samples.length / frame.channels / frame.sampleRate) * 1000;
