import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type {
  AwsCredentialIdentity,
  HttpAuthScheme,
  HttpHandlerOptions,
  HttpRequest,
  HttpResponse,
  RequestHandler,
} from '@smithy/types';

export interface DynamoClientOptions {
  readonly region: string;
  /** Embedded dynalite or another loopback endpoint; absent for real DynamoDB. */
  readonly endpoint?: string;
  /**
   * Sends a fixed, well-formed SigV4 Authorization header instead of signing each request. Only for our embedded
   * dynalite on 127.0.0.1, which checks the header's shape but never the signature (and the credentials are dummies
   * anyway): it saves a SHA-256 of each body and an HMAC chain per request. Refused for any other endpoint.
   */
  readonly unsignedLoopback?: boolean;
  /** Replaces the HTTP transport (the embedded dynalite thread's message handler); absent: the SDK's default. */
  readonly requestHandler?: RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;
}

/** Shaped as dynalite expects (Credential, SignedHeaders, Signature; a date header); the values are never checked. */
const LOOPBACK_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=unsigned';

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

const loopbackAuth: HttpAuthScheme = {
  schemeId: 'aws.auth#sigv4',
  identityProvider: () => async (): Promise<AwsCredentialIdentity> => LOCAL_CREDENTIALS,
  signer: {
    async sign(request: HttpRequest): Promise<HttpRequest> {
      request.headers.authorization = LOOPBACK_AUTHORIZATION;
      request.headers['x-amz-date'] = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
      return request;
    },
  },
};

function assertLoopback(endpoint: string | undefined): void {
  const host = endpoint === undefined ? undefined : URL.parse(endpoint)?.hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`unsignedLoopback needs a loopback endpoint (http://127.0.0.1:<port>), got “${endpoint}”`);
  }
}

export interface Dynamo {
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
}

/** A DynamoDB client and its document wrapper; a local endpoint gets static dummy credentials (dynalite checks none). */
export function makeDynamo(options: DynamoClientOptions): Dynamo {
  if (options.unsignedLoopback) assertLoopback(options.endpoint);
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS }),
    ...(options.unsignedLoopback ? { httpAuthSchemes: [loopbackAuth] } : {}),
    ...(options.requestHandler ? { requestHandler: options.requestHandler as never } : {}),
    maxAttempts: 3,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, doc };
}

export interface OrderTables {
  readonly orders: string;
  readonly catalog: string;
  readonly payments: string;
}

export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';
