import { z } from 'zod';
import { parseGuildPairs, parseSlackStaff } from './domain/staff.ts';

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
/** A shared secret people type or paste: long enough not to be guessed (openssl rand -hex 16 gives 32 characters). */
const accessToken = optionalText.refine((v) => v === undefined || v.length >= 16, {
  message: 'Use at least 16 characters (e.g. the output of `openssl rand -hex 16`).',
});
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** `guildId:id,…` (staff role or user ids per Discord guild). */
const guildPairs = list.transform((entries, ctx) => {
  const parsed = parseGuildPairs(entries);
  if (typeof parsed !== 'string') return parsed;
  ctx.addIssue({ code: 'custom', message: parsed });
  return z.NEVER;
});

const envSchema = z.object({
  // --- core ---
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('./data'),
  /** Finished /bench runs and long /ask answers are kept this long under DATA_DIR/results (/result); 0 keeps none. */
  RESULTS_KEEP_HOURS: z.coerce
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),

  // --- Discord ---
  DISCORD_TOKEN: optionalText,
  DISCORD_APP_ID: optionalText,
  /** Register commands in one guild (instant) instead of globally (up to an hour). */
  DISCORD_GUILD_ID: optionalText,
  /** Staff role ids per guild, `guildId:roleId,…` (courier updates, restock, that guild's orders). Never by name. */
  STAFF_ROLES: guildPairs,
  /** Staff user ids per guild, `guildId:userId,…`. */
  STAFF_USERS: guildPairs,
  /**
   * Request the privileged Message Content intent, so people can follow up in the bot's own threads without
   * mentioning it. Off: the bot reads only DMs and messages that mention it (which carry their text anyway).
   */
  DISCORD_MESSAGE_CONTENT: flag.default(false),
  /** Largest file the bot uploads to Discord, in bytes; empty: each server's own limit (10 MiB, more with boosts). */
  DISCORD_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).optional(),
  /**
   * Gateway shards of the whole bot: auto (Discord's recommendation, about 1,000 servers a shard) or a fixed total
   * (Discord requires one shard per 2,500 servers). Every process of the bot uses the same value.
   */
  DISCORD_SHARDS: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(100_000)]).default('auto'),
  /** The shard ids this process runs (`0-3,8`), when the shards are split across processes; empty: all of them. */
  DISCORD_SHARD_IDS: optionalText,

  // --- Slack ---
  SLACK_BOT_TOKEN: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_PORT: z.coerce.number().int().min(1).max(65535).default(3001),
  /** Staff per workspace, `TEAM/USER,…` (e.g. T0123/U0456): staff in that workspace only. */
  SLACK_STAFF_USERS: list.transform((entries, ctx) => {
    const parsed = parseSlackStaff(entries);
    if (typeof parsed !== 'string') return [...parsed];
    ctx.addIssue({ code: 'custom', message: parsed });
    return z.NEVER;
  }),

  // --- playground ---
  /** auto: on when no Discord or Slack credentials are set. */
  PLAYGROUND: z.enum(['auto', 'on', 'off']).default('auto'),
  PLAYGROUND_HOST: z.string().default('127.0.0.1'),
  PLAYGROUND_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Sign-in token for the playground; required when PLAYGROUND_HOST is not a loopback address. */
  PLAYGROUND_TOKEN: accessToken,
  /** Sign-in token that also allows staff mode (the Staff switch); keep it apart from PLAYGROUND_TOKEN. */
  PLAYGROUND_STAFF_TOKEN: accessToken,

  // --- operations (health, readiness, metrics, shutdown) ---
  /** The ops listener (/healthz, /readyz, /metrics); beyond loopback, METRICS_TOKEN is required. */
  OPS_HOST: z.string().default('127.0.0.1'),
  /** 9464 is the usual Prometheus exporter port; 0: any free port (tests); off: no ops listener. */
  OPS_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).default(9464),
  /** Bearer token /metrics asks for (Prometheus `authorization` / `bearer_token_file`). */
  METRICS_TOKEN: accessToken,
  /** On SIGTERM/SIGINT: how long running commands get to finish before they are cut with a note. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),

  // --- budgets (per user and per server: tokens, cost, voice minutes) ---
  BUDGETS: z.enum(['on', 'off']).default('on'),
  /** Limits per period (day or month) for users, staff and servers. */
  BUDGETS_FILE: z.string().default('config/budgets.json'),
  /** local: the embedded store under DATA_DIR/budgets; dynamodb: the BUDGETS_TABLE table (DYNAMODB_ENDPOINT applies). */
  BUDGETS_STORE: z.enum(['local', 'dynamodb']).default('local'),
  BUDGETS_TABLE: z.string().default('sonicord-budgets'),

  // --- AWS / Bedrock ---
  AWS_REGION: z.string().default('us-east-1'),
  /** Override the Bedrock Runtime endpoint (tests, VPC endpoints). */
  BEDROCK_ENDPOINT: optionalText,
  MODELS_FILE: z.string().default('config/models.json'),
  TEMPLATES_FILE: z.string().default('config/templates.json'),
  ASK_DEFAULT_MODEL: z.string().default('nova-lite'),
  /** Models tried in order when the chosen one fails (throttled, not enabled, timed out). */
  ASK_FALLBACK_CHAIN: list,
  /** Idle limit: an answer is given up when nothing streams for this long (it resets on every streamed event). */
  ASK_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Overall cap on one answer, however steadily it streams. */
  ASK_MAX_ANSWER_MS: z.coerce.number().int().min(1000).default(600_000),

  // --- /ask conversation memory ---
  /** memory: threads kept in process (lost on restart); dynamodb: the ASK_CONVERSATIONS_TABLE table. */
  ASK_CONVERSATION_STORE: z.enum(['memory', 'dynamodb']).default('memory'),
  ASK_CONVERSATIONS_TABLE: z.string().default('sonicord-conversations'),
  /** Threads remembered by the in-memory store (least recently used dropped first). */
  ASK_MAX_CONVERSATIONS: z.coerce.number().int().min(1).default(1000),

  // --- voice ---
  /** Nova 2 Sonic model id (or an inference profile such as us.amazon.nova-2-sonic-v1:0). */
  SONIC_MODEL_ID: z.string().default('amazon.nova-2-sonic-v1:0'),
  /** Sonic's region; the stream rejects cross-Region calls. Default: AWS_REGION. */
  SONIC_REGION: optionalText,
  /** Default voice: matthew, tiffany, amy, olivia, lupe, carlos, ambre, florian, tina, lennart, ... */
  SONIC_VOICE: z.string().default('matthew'),
  /** How quickly Sonic takes the turn after the user pauses: HIGH ~1.5 s, MEDIUM ~1.75 s, LOW ~2 s. */
  SONIC_ENDPOINTING: z.enum(['HIGH', 'MEDIUM', 'LOW']).default('MEDIUM'),
  SONIC_MAX_TOKENS: z.coerce.number().int().min(1).max(10_000).default(1024),
  /** Default system prompt for voice conversations (both engines); empty: the built-in one. */
  VOICE_SYSTEM_PROMPT: optionalText,
  /** Renew a Sonic session this long after it opened (the service cuts streams at about 8 minutes). */
  VOICE_SESSION_RENEW_MS: z.coerce.number().int().min(10_000).max(470_000).default(360_000),
  /** Consecutive failed sessions tolerated before a conversation ends. */
  VOICE_RETRY_ATTEMPTS: z.coerce.number().int().min(0).max(10).default(3),

  // --- cascade voice engine (Transcribe -> Bedrock -> Polly) ---
  /** Transcribe language code, e.g. en-US, pt-BR. */
  CASCADE_LANGUAGE: z.string().default('en-US'),
  /** The text model behind the voice (a key of config/models.json); the /ask fallback chain follows it. */
  CASCADE_MODEL: z.string().default('nova-lite'),
  POLLY_VOICE: z.string().default('Joanna'),
  POLLY_ENGINE: z.enum(['neural', 'generative', 'standard']).default('neural'),
  /** Silence after Transcribe's final result before the bot answers. */
  CASCADE_TURN_PAUSE_MS: z.coerce.number().int().min(0).max(5000).default(600),

  // --- orders ---
  /** local: the ASL in-process over embedded dynalite (data in DATA_DIR/dynalite); aws: Step Functions + DynamoDB. */
  ORDERS_MODE: z.enum(['local', 'aws']).default('local'),
  CATALOG_FILE: z.string().default('config/catalog.json'),
  DELIVERY_ZONES_FILE: z.string().default('config/delivery-zones.json'),
  ORDERS_MAX_QUANTITY: z.coerce.number().int().min(1).max(1000).default(20),
  /** Minutes added to the zone's delivery time for the ETA. */
  ORDERS_PREPARATION_MINUTES: z.coerce.number().int().min(0).max(600).default(15),
  /** A second identical order (same user, server, product, quantity, address) this soon asks to confirm; 0: never. */
  ORDERS_DUPLICATE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  /**
   * Local mode: orders being worked on at once (not waiting on a courier) before a new /order is refused with "busy,
   * try again" (nothing written or charged). Bounds the wait for a confirmation under a burst: about this many
   * orders divided by the orders per second the machine confirms (README, bench:orders).
   */
  ORDERS_MAX_BACKLOG: z.coerce.number().int().min(1).max(100_000).default(400),
  /** A pretend courier advances orders by itself (demos); off: staff use /deliver. */
  DEMO_COURIER: flag.default(true),
  DEMO_COURIER_PREPARING_MS: z.coerce.number().int().min(0).default(10_000),
  DEMO_COURIER_OUT_FOR_DELIVERY_MS: z.coerce.number().int().min(0).default(20_000),
  DEMO_COURIER_DELIVERED_MS: z.coerce.number().int().min(0).default(30_000),
  /** Local mode: how long a courier step may wait before the order is cancelled and refunded (default: the ASL's). */
  ORDERS_COURIER_TIMEOUT_MS: z.coerce.number().int().min(1).optional(),
  /** aws mode: the deployed resources (outputs of the infra/ stack). */
  ORDERS_STATE_MACHINE_ARN: optionalText,
  ORDERS_TABLE: z.string().default('sonicord-orders'),
  CATALOG_TABLE: z.string().default('sonicord-catalog'),
  PAYMENTS_TABLE: z.string().default('sonicord-payments'),
  ORDERS_TOPIC_ARN: optionalText,
  /** aws mode: the queue subscribed to the topic; the bot turns its messages into DMs (none without it). */
  ORDERS_NOTIFICATIONS_QUEUE_URL: optionalText,
  /** Override the DynamoDB endpoint in aws mode (DynamoDB Local, tests). */
  DYNAMODB_ENDPOINT: optionalText,

  // --- bench ---
  /** Largest file any surface accepts or downloads for a command (/bench), in bytes (25 MiB): Discord, Slack, playground. */
  BENCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** Most concurrent model calls per model in run mode; adaptive concurrency stays at or below it. */
  BENCH_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** A model call slower than this is abandoned and retried. */
  BENCH_ROW_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  /** Run mode reads at most this many rows (each row costs a call per model). */
  BENCH_MAX_RUN_ROWS: z.coerce.number().int().min(1).default(1000),
  /** Rows kept in the results CSV (the summary counts all rows). */
  BENCH_RESULT_ROWS: z.coerce.number().int().min(1).default(50_000),
  /** Attempts per model call for throttling and transient failures. */
  BENCH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** First wait before a retry; doubles per attempt, with jitter. */
  BENCH_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  /** Font file for chart text; DejaVu Sans or a built-in pixel font when absent. */
  BENCH_CHART_FONT: optionalText,
  /** Run mode sends files of at least BENCH_BATCH_MIN_ROWS rows to Bedrock batch inference when bucket and role are set. */
  BENCH_BATCH_BUCKET: optionalText,
  /** Folder in the bucket for batch input and output files (one subfolder per run). */
  BENCH_BATCH_PREFIX: z.string().default('bench-batch/'),
  /** Service role Bedrock assumes to read the input and write the output (trusts bedrock.amazonaws.com). */
  BENCH_BATCH_ROLE_ARN: optionalText,
  /** Rows from which a run goes to a batch job (Bedrock takes at least 100 records per job). */
  BENCH_BATCH_MIN_ROWS: z.coerce.number().int().min(100).default(1000),
  /** A batch run reads at most this many rows (BENCH_MAX_RUN_ROWS stays the on-demand cap). */
  BENCH_BATCH_MAX_ROWS: z.coerce.number().int().min(100).default(1_000_000),
  /** The account's "records per batch inference job" quota; larger runs are split into several jobs. */
  BENCH_BATCH_MAX_RECORDS_PER_JOB: z.coerce.number().int().min(200).default(50_000),
  /** The account's "batch inference input file size" quota, in bytes; a larger job is split in halves. */
  BENCH_BATCH_MAX_FILE_BYTES: z.coerce.number().int().min(1024).default(200_000_000),
  /** First wait between job status polls; it grows 1.5x a poll up to 5 minutes. */
  BENCH_BATCH_POLL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Hours Bedrock may take before a job expires (24 to 168). */
  BENCH_BATCH_TIMEOUT_HOURS: z.coerce.number().int().min(24).max(168).default(24),

  // --- knowledge base ---
  /** local: the embedded index on disk answers; aws: an Amazon Bedrock Knowledge Base (KB_KNOWLEDGE_BASE_ID). */
  KB_MODE: z.enum(['local', 'aws']).default('local'),
  /** The folder of shop documents indexed at start (Markdown, text, HTML, PDF). */
  KNOWLEDGE_DIR: z.string().default('./knowledge'),
  /** Hybrid search with Titan embeddings: auto = when AWS credentials are configured. */
  KB_EMBEDDINGS: z.enum(['auto', 'on', 'off']).default('auto'),
  KB_EMBEDDING_MODEL: z.string().default('amazon.titan-embed-text-v2:0'),
  KB_EMBEDDING_DIMENSIONS: z.enum(['256', '512', '1024']).default('256').transform(Number),
  /** The prompt chain before grounded answers: auto = in-process when AWS credentials are configured, or on AWS in aws mode. */
  KB_CHAIN: z.enum(['auto', 'local', 'aws', 'off']).default('auto'),
  /** The catalog model of the chain's keyword and needs-retrieval calls; default: the /ask default model. */
  KB_CHAIN_MODEL: optionalText,
  KB_CHAIN_STATE_MACHINE_ARN: optionalText,
  KB_KNOWLEDGE_BASE_ID: optionalText,
  /** KB_MODE=aws: /kb add uploads to this bucket (DocumentsBucket output) and ingests into this data source. */
  KB_BUCKET: optionalText,
  KB_DATA_SOURCE_ID: optionalText,
  /** Passages given to the model per question. */
  KB_RESULTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Largest document /kb add accepts, in bytes (10 MB). */
  KB_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(10 * 1024 * 1024),

  // --- replicas (several bot processes: Slack HTTP behind a load balancer, Discord shard clusters) ---
  /**
   * memory: this process alone decides (one process). dynamodb: Slack delivery claims, voice leases and the Slack
   * edit budget live in SHARED_STATE_TABLE (DynamoDB, or the embedded/local store at DYNAMODB_ENDPOINT).
   */
  SHARED_STATE: z.enum(['memory', 'dynamodb']).default('memory'),
  SHARED_STATE_TABLE: z.string().default('sonicord-coordination'),
  /** This process's name in leases; default hostname:pid. */
  REPLICA_ID: optionalText,
  /** A voice session's guild lease lives this long without renewal (renewed every third of it). */
  VOICE_LEASE_MS: z.coerce.number().int().min(5000).max(600_000).default(30_000),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly env: Env;
  readonly discordEnabled: boolean;
  readonly slackEnabled: boolean;
  readonly playgroundEnabled: boolean;
  /** AWS credentials are configured in the environment (keys, a profile, web identity or a container role). */
  readonly awsCredentialsConfigured: boolean;
}

const AWS_CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty `NAME=` line (as copied from .env.example) means "not set", whatever the variable's type.
  const set = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration (see .env.example):\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const discordEnabled = env.DISCORD_TOKEN !== undefined;
  const slackEnabled = env.SLACK_BOT_TOKEN !== undefined;
  const playgroundEnabled = env.PLAYGROUND === 'on' || (env.PLAYGROUND === 'auto' && !discordEnabled && !slackEnabled);
  const awsCredentialsConfigured = AWS_CREDENTIAL_VARIABLES.some((name) => (set[name] ?? '') !== '');
  return { env, discordEnabled, slackEnabled, playgroundEnabled, awsCredentialsConfigured };
}

/** Every variable the bot reads (a test checks .env.example documents each). */
export const envVariableNames: readonly string[] = Object.keys(envSchema.shape);
