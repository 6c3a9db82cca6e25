import { z } from 'zod';

/**
 * The environment, parsed once. The only reader of process.env; everything else receives typed config.
 * Every variable is documented in .env.example. Areas add their variables to their own section below.
 */
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  // --- core ---
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('./data'),

  // --- Discord ---
  DISCORD_TOKEN: optionalText,
  DISCORD_APP_ID: optionalText,
  /** Register commands in one guild (instant) instead of globally (up to an hour). */
  DISCORD_GUILD_ID: optionalText,
  /** Members with this role name or id are staff (courier updates, restock, any order). */
  DISCORD_STAFF_ROLE: z.string().default('Staff'),

  // --- Slack ---
  SLACK_BOT_TOKEN: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  /** Slack user ids (comma separated) who are staff. */
  SLACK_STAFF_USERS: list,

  // --- playground ---
  /** auto: on when no Discord or Slack credentials are set. */
  PLAYGROUND: z.enum(['auto', 'on', 'off']).default('auto'),
  PLAYGROUND_HOST: z.string().default('127.0.0.1'),
  PLAYGROUND_PORT: z.coerce.number().int().min(0).max(65535).default(3000),

  // --- AWS / Bedrock ---
  AWS_REGION: z.string().default('us-east-1'),
  /** Override the Bedrock Runtime endpoint (tests, VPC endpoints). */
  BEDROCK_ENDPOINT: optionalText,
  MODELS_FILE: z.string().default('config/models.json'),
  TEMPLATES_FILE: z.string().default('config/templates.json'),
  ASK_DEFAULT_MODEL: z.string().default('nova-lite'),
  /** Models tried in order when the chosen one fails (throttled, not enabled, timed out). */
  ASK_FALLBACK_CHAIN: list,
  ASK_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly env: Env;
  readonly discordEnabled: boolean;
  readonly slackEnabled: boolean;
  readonly playgroundEnabled: boolean;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const discordEnabled = env.DISCORD_TOKEN !== undefined;
  const slackEnabled = env.SLACK_BOT_TOKEN !== undefined;
  const playgroundEnabled = env.PLAYGROUND === 'on' || (env.PLAYGROUND === 'auto' && !discordEnabled && !slackEnabled);
  return { env, discordEnabled, slackEnabled, playgroundEnabled };
}

export { flag as envFlag };
