/** A block of signed 16-bit PCM; frames always say their rate and channel count. */
export interface PcmFrame {
  readonly sampleRate: number;
  readonly channels: 1 | 2;
  /** Interleaved when stereo. */
  readonly samples: Int16Array;
}

export const frameDurationMs = (frame: PcmFrame): number =>
  (frame.samples.length / frame.channels / frame.sampleRate) * 1000;

/** Root mean square of the samples (both channels together when stereo). */
export const frameRms = (frame: PcmFrame): number => {
  const s = frame.samples;
  if (s.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += (s[i] as number) * (s[i] as number);
  return Math.sqrt(sum / s.length);
};
