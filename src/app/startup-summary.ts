import type { AwsCredentialsStatus } from './aws-access.ts';

export interface StartupFacts {
  /** The surfaces running, with where to find them (the playground's address). */
  readonly started: readonly { readonly name: string; readonly where?: string }[];
  /** Surfaces not started and why, e.g. `Discord (no DISCORD_TOKEN)`. */
  readonly notStarted: readonly string[];
  readonly aws: AwsCredentialsStatus;
  readonly region: string;
  readonly ordersMode: 'local' | 'aws';
  readonly dataDir: string;
  readonly resumedOrders: number;
}

/** Orders run in-process over embedded DynamoDB in local mode, so they need no AWS at all. */
const offlineCommands = (ordersMode: 'local' | 'aws'): string[] =>
  ordersMode === 'local'
    ? [
        '/help',
        '/order',
        '/track',
        '/cancel',
        '/deliver',
        '/restock',
        '/bench (score and retrieval modes)',
        '/kb',
        '/result',
        '/usage',
      ]
    : ['/help', '/bench (score and retrieval modes)', '/result', '/usage'];
const awsFeatures = (ordersMode: 'local' | 'aws'): string[] => [
  '/ask',
  'free text (thread follow-ups, the order assistant)',
  'voice',
  '/bench mode:run',
  ...(ordersMode === 'aws' ? ['/order', '/track'] : []),
];

/** What started and what works, in plain words: one line per topic, for the log and the terminal. */
export function startupSummary(facts: StartupFacts): string[] {
  const started = facts.started.map((s) => (s.where ? `${s.name} at ${s.where}` : s.name)).join(', ');
  const lines = [
    `Surfaces started: ${started || 'none'}.${facts.notStarted.length ? ` Not started: ${facts.notStarted.join(', ')}.` : ''}`,
  ];
  const offline = offlineCommands(facts.ordersMode).join(', ');
  switch (facts.aws) {
    case 'found':
      lines.push(`AWS credentials: found (region ${facts.region}); every command is on.`);
      break;
    case 'missing':
      lines.push(
        `AWS credentials: none found. Working offline: ${offline}. ` +
          `Off until credentials are set (each says so when used): ${awsFeatures(facts.ordersMode).join(', ')}.`,
      );
      break;
    default:
      lines.push(
        `AWS credentials: not confirmed (the credential chain did not answer). Working offline: ${offline}; ` +
          `${awsFeatures(facts.ordersMode).join(', ')} need AWS and say so if they cannot reach it.`,
      );
  }
  lines.push(
    facts.ordersMode === 'local'
      ? `Orders: on this machine (the state machine in-process, data in ${facts.dataDir}); ${facts.resumedOrders} resumed.`
      : `Orders: AWS Step Functions and DynamoDB; ${facts.resumedOrders} resumed.`,
  );
  return lines;
}
