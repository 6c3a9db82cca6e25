import type { FileSource } from '../../src/ports/file-source.ts';
import type { AttachmentShape } from './shapes.ts';

/** Default cap on what we download from Discord's CDN: Discord's own free upload limit is 10 MiB, boosts go higher. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export class AttachmentTooLargeError extends Error {
  readonly code = 'input.file_too_large';
}

/**
 * A Discord attachment as a FileSource: each `open` streams the signed CDN url with fetch (the url expires, so it
 * is read when the command runs, never stored) and stops with a clear error past `maxBytes`, whatever the
 * announced size said.
 */
export function attachmentSource(
  attachment: AttachmentShape,
  maxBytes: number = DEFAULT_MAX_ATTACHMENT_BYTES,
  fetchFn: typeof fetch = fetch,
): FileSource {
  return {
    name: attachment.name,
    size: attachment.size,
    ...(attachment.contentType ? { contentType: attachment.contentType } : {}),
    open: (signal) => download(attachment, maxBytes, fetchFn, signal),
  };
}

export const tooLargeMessage = (name: string, size: number, maxBytes: number): string =>
  `\`${name}\` is ${mib(size)}; the limit is ${mib(maxBytes)}.`;

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function* download(
  attachment: AttachmentShape,
  maxBytes: number,
  fetchFn: typeof fetch,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  if (attachment.size > maxBytes) {
    throw new AttachmentTooLargeError(tooLargeMessage(attachment.name, attachment.size, maxBytes));
  }
  const response = await fetchFn(attachment.url, signal ? { signal } : {});
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new Error(`Downloading ${attachment.name} from Discord failed: HTTP ${response.status}.`);
  }
  const reader = response.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      received += value.byteLength;
      if (received > maxBytes) {
        throw new AttachmentTooLargeError(tooLargeMessage(attachment.name, received, maxBytes));
      }
      yield value;
    }
  } finally {
    // Also runs when the consumer stops early: release the connection.
    await reader.cancel().catch(() => {});
  }
}
