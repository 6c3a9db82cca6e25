import { type AppError, appError } from '../domain/result.ts';
import type { AwsCredentialsProbe } from '../ports/aws-credentials.ts';

export type AwsCredentialsStatus = 'unchecked' | 'found' | 'missing' | 'unknown';

/**
 * The one answer every AWS-backed feature gives when the bot has no AWS credentials: /ask, free text, voice and
 * /bench mode:run say exactly this, once, instead of a retry hint or one error per row.
 */
export const NO_AWS_CREDENTIALS: AppError = appError(
  'aws.no_credentials',
  'This needs AWS credentials, and the bot has none.',
  'Set `AWS_PROFILE` (or `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`) and `AWS_REGION`, then restart the bot. ' +
    'Without them, `/order`, `/track`, `/help` and `/bench` scoring work.',
);

/** Error codes adapters use when a call found no credentials; they become NO_AWS_CREDENTIALS. */
const NO_CREDENTIALS_CODES = new Set(['model.no_credentials', 'voice.no_credentials', 'aws.no_credentials']);
export const isNoCredentials = (code: string): boolean => NO_CREDENTIALS_CODES.has(code);

/**
 * What the bot knows about its AWS credentials: checked once at startup (in the background), and learned again
 * from any call that fails for lack of them. Until the check answers, features try and map that failure.
 */
export class AwsAccess {
  #status: AwsCredentialsStatus = 'unchecked';

  get status(): AwsCredentialsStatus {
    return this.#status;
  }

  /** Runs the probe; the bot keeps serving meanwhile. */
  async check(probe: AwsCredentialsProbe): Promise<AwsCredentialsStatus> {
    this.#status = await probe.probe().catch(() => 'unknown' as const);
    return this.#status;
  }

  /** A call failed with no credentials: later requests answer at once. */
  noted(code: string): void {
    if (code === 'model.no_credentials' || code === 'voice.no_credentials') this.#status = 'missing';
  }

  /** NO_AWS_CREDENTIALS when the bot knows it has none; undefined when it may try. */
  get refusal(): AppError | undefined {
    return this.#status === 'missing' ? NO_AWS_CREDENTIALS : undefined;
  }
}

/** The refusal for features that need AWS, from deps that may not carry an AwsAccess (tests, older wiring). */
export const awsRefusal = (deps: { readonly aws?: AwsAccess }): AppError | undefined => deps.aws?.refusal;
