/** An uploaded file (Discord attachment, Slack file, playground upload), read as a stream, never kept whole. */
export interface FileSource {
  readonly name: string;
  /** Size in bytes as announced by the platform. */
  readonly size: number;
  readonly contentType?: string;
  /** Opens a fresh byte stream; aborting the signal ends it. */
  open(signal?: AbortSignal): AsyncIterable<Uint8Array>;
}
