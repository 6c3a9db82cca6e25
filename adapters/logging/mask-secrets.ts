/**
 * Secrets that travel inside strings: interaction tokens in Discord webhook paths, Slack response_url paths, bot and
 * app tokens, bearer credentials, signed query parameters. Every string that reaches the log goes through this.
 */
const MASK = '[redacted]';

const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // Discord: /webhooks/{application id}/{interaction or webhook token}/… and /interactions/{id}/{token}/callback.
  [/(\/webhooks\/\d+\/)[^/\s?#"']+/g, `$1${MASK}`],
  [/(\/interactions\/\d+\/)[^/\s?#"']+/g, `$1${MASK}`],
  // Slack: response_url and incoming webhooks carry their secret in the path.
  [/(hooks\.slack(?:-gov)?\.com\/)[^\s"'<>]+/g, `$1${MASK}`],
  // …and on any host (a proxy, a test server): /commands|actions/{team}/{id}/{secret}.
  [/(\/(?:commands|actions)\/T[A-Z0-9]+\/\d+\/)[A-Za-z0-9]+/g, `$1${MASK}`],
  // Slack tokens (bot, user, app-level, refresh, config).
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, MASK],
  [/\bxapp-[A-Za-z0-9-]+/g, MASK],
  // Discord bot tokens: base64 user id . timestamp . HMAC.
  [/\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}/g, MASK],
  // Authorization header values written out.
  [/\b(Bearer|Bot|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`],
  // Signed or token-bearing query parameters (AWS presigned URLs, Discord CDN signatures, OAuth).
  [
    /([?&](?:token|access_token|refresh_token|client_secret|signature|sig|hm|X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token)=)[^&\s"'#]+/gi,
    `$1${MASK}`,
  ],
];

/** `text` with every secret-looking part replaced by `[redacted]`. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
