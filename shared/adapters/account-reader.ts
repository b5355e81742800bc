/**
 * Read-only access to one live account, for `tripline collect`: IAM authorization details, Lambda functions with
 * their resource policies and URLs, and CloudWatch invocation counts. This module is the interface and its
 * errors; `sdk-account-reader.ts` implements it with the AWS SDK (loaded only by `collect`).
 *
 * Failures become AccountReadErrors naming the IAM action that failed: AccessDenied names the missing
 * permission; throttling is retried by the SDK and reported once retries are exhausted.
 */
import type { FunctionConfiguration } from '@aws-sdk/client-lambda';

/** One page of GetAccountAuthorizationDetails, reduced to its four lists (documents still URL-encoded). */
export interface AuthorizationDetailsPage {
  UserDetailList: unknown[];
  GroupDetailList: unknown[];
  RoleDetailList: unknown[];
  Policies: unknown[];
}

export interface FunctionUrl {
  AuthType: string;
  FunctionUrl: string;
  InvokeMode?: string;
  Cors?: unknown;
}

/** What `functionPolicy` / `functionUrlConfig` say when the function itself is gone (deleted mid-collect). */
export const FUNCTION_GONE = Symbol('function-gone');

export interface AccountReader {
  /** STS GetCallerIdentity (needs no permission). */
  identity(): Promise<{ account: string; arn: string }>;
  authorizationDetailsPages(): AsyncIterable<AuthorizationDetailsPage>;
  functionPages(): AsyncIterable<FunctionConfiguration[]>;
  /** The function's resource-based policy (a JSON string), `undefined` when it has none. */
  functionPolicy(functionArn: string): Promise<string | undefined | typeof FUNCTION_GONE>;
  /** The function's URL configuration, `undefined` when it has none. */
  functionUrlConfig(functionArn: string): Promise<FunctionUrl | undefined | typeof FUNCTION_GONE>;
  /** CloudWatch AWS/Lambda Invocations, Sum over [start, end). */
  invocationSum(functionName: string, start: Date, end: Date): Promise<number>;
}

export type ReadFailure = 'access-denied' | 'throttled' | 'no-credentials' | 'no-region' | 'failed';

export class AccountReadError extends Error {
  override readonly name = 'AccountReadError';
  constructor(
    message: string,
    /** The IAM action of the call that failed, e.g. `lambda:GetPolicy`. */
    readonly action: string,
    readonly reason: ReadFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthorizationError',
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
]);
const BAD_CREDENTIALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
]);

export interface SdkErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: { throttling?: boolean };
}

/** Turns an SDK error into an AccountReadError naming the action; the SDK message never holds secrets. */
export function describeReadError(error: unknown, action: string, target?: string): AccountReadError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const detail = e.message ? `${name}: ${e.message}` : name;
  const on = target ? ` on ${target}` : '';
  if (ACCESS_DENIED.has(name) || e.$metadata?.httpStatusCode === 403) {
    if (!BAD_CREDENTIALS.has(name)) {
      return new AccountReadError(
        `access denied: the caller is not allowed ${action}${on}. Grant the read-only policy in docs/collect-policy.json (${detail})`,
        action,
        'access-denied',
        { cause: error },
      );
    }
  }
  if (THROTTLED.has(name) || e.$retryable?.throttling === true || e.$metadata?.httpStatusCode === 429) {
    const attempts = e.$metadata?.attempts;
    return new AccountReadError(
      `${action}${on} was still throttled${attempts ? ` after ${attempts} attempts` : ''}: try again later, or with --concurrency 1 (${detail})`,
      action,
      'throttled',
      { cause: error },
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new AccountReadError(
      `no usable AWS credentials for ${action} (${detail}): pass --profile, set AWS_PROFILE, or sign in again (aws sso login)`,
      action,
      'no-credentials',
      { cause: error },
    );
  }
  if (/region is missing/i.test(e.message ?? '')) {
    return new AccountReadError('no AWS Region: pass --region or set AWS_REGION', action, 'no-region', {
      cause: error,
    });
  }
  return new AccountReadError(`${action}${on} failed: ${detail}`, action, 'failed', { cause: error });
}
