import type { FileSource } from '../../src/ports/file-source.ts';

export interface SlackFile {
  readonly name: string;
  readonly size: number;
  readonly mimetype?: string;
  /** `url_private_download`: needs the bot token (scope files:read). */
  readonly url: string;
}

/** How files are fetched from Slack: with which token, up to what size, and from which hosts the token may go to. */
export interface SlackFileAccess {
  readonly botToken: string;
  /** BENCH_MAX_BYTES: the download stops past it, whatever size Slack announced. */
  readonly maxBytes: number;
  /** `host` (name[:port]) of the URLs that receive the bot token; anything else gets no token. */
  readonly hosts?: readonly string[];
  readonly fetch?: typeof fetch;
}

/**
 * Slack's own file hosts: the commercial cloud, its education and origin names, and GovSlack. A file URL anywhere
 * else (a message event is user-influenced data) gets no token.
 */
export const SLACK_FILE_HOSTS: readonly string[] = [
  'files.slack.com',
  'files-edu.slack.com',
  'files-origin.slack.com',
  'files.slack-gov.com',
];

/** Default download limit; Slack's own file_input takes at most 10 MB, files posted in threads more. */
export const DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024;

const MAX_REDIRECTS = 3;

/** Thrown when a download fails: not an input the user can fix by retyping, so a bug-class failure. */
export class SlackDownloadError extends Error {
  override readonly name = 'SlackDownloadError';
}

/**
 * A Slack file read as a stream: every `open()` starts a fresh authenticated download and stops (with an error)
 * once more than `maxBytes` arrive, whatever size Slack announced.
 */
export function slackFileSource(file: SlackFile, access: SlackFileAccess): FileSource {
  return {
    name: file.name,
    size: file.size,
    ...(file.mimetype ? { contentType: file.mimetype } : {}),
    open: (signal) => download(file, access, signal),
  };
}

/** Whether `url` may receive the bot token: https on one of `hosts` (plain http only on loopback, for tests). */
export function mayCarryToken(url: URL, hosts: readonly string[] = SLACK_FILE_HOSTS): boolean {
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === '127.0.0.1');
  return secure && url.username === '' && url.password === '' && hosts.includes(url.host);
}

async function* download(file: SlackFile, access: SlackFileAccess, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const { maxBytes } = access;
  if (file.size > maxBytes) throw new SlackDownloadError(tooLarge(file.name, maxBytes));
  const response = await fetchFollowing(file, access, signal);
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new SlackDownloadError(`Slack refused to send ${file.name} (HTTP ${response.status}).`);
  }
  // Without files:read Slack answers 200 with its sign-in page instead of the file.
  if ((response.headers.get('content-type') ?? '').startsWith('text/html') && !file.name.endsWith('.html')) {
    await response.body.cancel();
    throw new SlackDownloadError(`Slack sent a web page instead of ${file.name}: is the files:read scope granted?`);
  }
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (announced > maxBytes) {
    await response.body.cancel();
    throw new SlackDownloadError(tooLarge(file.name, maxBytes));
  }
  const reader = response.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      received += value.byteLength;
      if (received > maxBytes) throw new SlackDownloadError(tooLarge(file.name, maxBytes));
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

/**
 * Follows redirects by hand so the token goes only to Slack's file hosts: fetch would keep it on a same-origin
 * hop and drop it across origins, but the rule here is the host list, on the first request as on every hop.
 */
async function fetchFollowing(file: SlackFile, access: SlackFileAccess, signal?: AbortSignal): Promise<Response> {
  const fetchFn = access.fetch ?? fetch;
  let url = parseUrl(file);
  for (let hop = 0; ; hop++) {
    const response = await fetchFn(url, {
      redirect: 'manual',
      headers: mayCarryToken(url, access.hosts) ? { Authorization: `Bearer ${access.botToken}` } : {},
      ...(signal ? { signal } : {}),
    });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new SlackDownloadError(`Slack redirected ${file.name} too many times.`);
    url = new URL(location, url);
  }
}

function parseUrl(file: SlackFile): URL {
  try {
    return new URL(file.url);
  } catch {
    throw new SlackDownloadError(`Slack gave ${file.name} an address that is not a URL.`);
  }
}

const tooLarge = (name: string, maxBytes: number): string =>
  `${name} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (BENCH_MAX_BYTES).`;
