import type { FileSource } from '../../src/ports/file-source.ts';

export interface SlackFile {
  readonly name: string;
  readonly size: number;
  readonly mimetype?: string;
  /** `url_private_download`: needs the bot token (scope files:read). */
  readonly url: string;
}

/** Default download limit; Slack's own file_input takes at most 10 MB, files posted in threads more. */
export const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;

/** Thrown when a download fails: not an input the user can fix by retyping, so a bug-class failure. */
export class SlackDownloadError extends Error {
  override readonly name = 'SlackDownloadError';
}

/**
 * A Slack file read as a stream: every `open()` starts a fresh authenticated download and stops (with an error)
 * once more than `maxBytes` arrive, whatever size Slack announced.
 */
export function slackFileSource(file: SlackFile, botToken: string, maxBytes = DEFAULT_MAX_FILE_BYTES): FileSource {
  return {
    name: file.name,
    size: file.size,
    ...(file.mimetype ? { contentType: file.mimetype } : {}),
    open: (signal) => download(file, botToken, maxBytes, signal),
  };
}

async function* download(
  file: SlackFile,
  botToken: string,
  maxBytes: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  // fetch drops the Authorization header if Slack redirects to another origin, so the token never leaks.
  const response = await fetch(file.url, {
    headers: { Authorization: `Bearer ${botToken}` },
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) {
    throw new SlackDownloadError(`Slack refused to send ${file.name} (HTTP ${response.status}).`);
  }
  // Without files:read Slack answers 200 with its sign-in page instead of the file.
  if ((response.headers.get('content-type') ?? '').startsWith('text/html') && !file.name.endsWith('.html')) {
    await response.body.cancel();
    throw new SlackDownloadError(`Slack sent a web page instead of ${file.name}: is the files:read scope granted?`);
  }
  let received = 0;
  for await (const chunk of response.body) {
    received += chunk.byteLength;
    if (received > maxBytes) {
      throw new SlackDownloadError(`${file.name} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`);
    }
    yield chunk;
  }
}
