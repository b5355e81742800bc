/**
 * The AccountReader backed by the AWS SDK v3. Every client shares one credential provider (the SDK's default
 * chain, or `profile`), `maxAttempts` with adaptive retries (backs off on throttling), and an optional emulator
 * endpoint. Credentials are never logged or written.
 */
import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { IAMClient, paginateGetAccountAuthorizationDetails } from '@aws-sdk/client-iam';
import {
  type FunctionConfiguration,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  type LambdaClientConfig,
  paginateListFunctions,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import {
  type AccountReader,
  type AuthorizationDetailsPage,
  describeReadError,
  FUNCTION_GONE,
  type FunctionUrl,
  type SdkErrorShape,
} from './account-reader.ts';

function isNotFound(error: unknown): boolean {
  return (error as SdkErrorShape)?.name === 'ResourceNotFoundException';
}

function isFunctionGone(error: unknown): boolean {
  const e = error as SdkErrorShape;
  return e?.name === 'ResourceNotFoundException' && /function not found/i.test(e.message ?? '');
}

export interface SdkAccountReaderOptions {
  profile?: string;
  region?: string;
  /** Emulator endpoint (moto, LocalStack): every client talks to it. */
  endpoint?: string;
  /** Attempts per call, retries included (adaptive retry mode backs off on throttling). */
  maxAttempts?: number;
  /** Replaces the HTTP layer (tests drive the SDK's real retry logic with canned responses). */
  requestHandler?: LambdaClientConfig['requestHandler'];
}

export const DEFAULT_MAX_ATTEMPTS = 10;

export class SdkAccountReader implements AccountReader {
  readonly iam: IAMClient;
  readonly lambda: LambdaClient;
  readonly cloudwatch: CloudWatchClient;
  readonly sts: STSClient;

  constructor(options: SdkAccountReaderOptions = {}) {
    const credentials = fromNodeProviderChain(options.profile ? { profile: options.profile } : {});
    const config = {
      credentials,
      maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      retryMode: 'adaptive',
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.requestHandler ? { requestHandler: options.requestHandler } : {}),
    };
    this.iam = new IAMClient(config);
    this.lambda = new LambdaClient(config);
    this.cloudwatch = new CloudWatchClient(config);
    this.sts = new STSClient(config);
  }

  private async call<T>(action: string, target: string | undefined, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw describeReadError(error, action, target);
    }
  }

  async identity(): Promise<{ account: string; arn: string }> {
    const out = await this.call('sts:GetCallerIdentity', undefined, () =>
      this.sts.send(new GetCallerIdentityCommand({})),
    );
    return { account: out.Account ?? 'unknown', arn: out.Arn ?? 'unknown' };
  }

  async *authorizationDetailsPages(): AsyncIterable<AuthorizationDetailsPage> {
    const pages = paginateGetAccountAuthorizationDetails({ client: this.iam, pageSize: 1000 }, {});
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call('iam:GetAccountAuthorizationDetails', undefined, () => iterator.next());
      if (next.done) return;
      const page = next.value;
      yield {
        UserDetailList: page.UserDetailList ?? [],
        GroupDetailList: page.GroupDetailList ?? [],
        RoleDetailList: page.RoleDetailList ?? [],
        Policies: page.Policies ?? [],
      };
    }
  }

  async *functionPages(): AsyncIterable<FunctionConfiguration[]> {
    const pages = paginateListFunctions({ client: this.lambda, pageSize: 50 }, {});
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.call('lambda:ListFunctions', undefined, () => iterator.next());
      if (next.done) return;
      yield next.value.Functions ?? [];
    }
  }

  async functionPolicy(functionArn: string): Promise<string | undefined | typeof FUNCTION_GONE> {
    try {
      const out = await this.lambda.send(new GetPolicyCommand({ FunctionName: functionArn }));
      return out.Policy;
    } catch (error) {
      if (isFunctionGone(error)) return FUNCTION_GONE;
      if (isNotFound(error)) return undefined;
      throw describeReadError(error, 'lambda:GetPolicy', functionArn);
    }
  }

  async functionUrlConfig(functionArn: string): Promise<FunctionUrl | undefined | typeof FUNCTION_GONE> {
    try {
      const out = await this.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: functionArn }));
      if (!out.AuthType || !out.FunctionUrl) return undefined;
      const url: FunctionUrl = { AuthType: out.AuthType, FunctionUrl: out.FunctionUrl };
      if (out.InvokeMode) url.InvokeMode = out.InvokeMode;
      if (out.Cors) url.Cors = out.Cors;
      return url;
    } catch (error) {
      if (isFunctionGone(error)) return FUNCTION_GONE;
      if (isNotFound(error)) return undefined;
      throw describeReadError(error, 'lambda:GetFunctionUrlConfig', functionArn);
    }
  }

  async invocationSum(functionName: string, start: Date, end: Date): Promise<number> {
    const out = await this.call('cloudwatch:GetMetricStatistics', functionName, () =>
      this.cloudwatch.send(
        new GetMetricStatisticsCommand({
          Namespace: 'AWS/Lambda',
          MetricName: 'Invocations',
          Dimensions: [{ Name: 'FunctionName', Value: functionName }],
          StartTime: start,
          EndTime: end,
          Period: 86_400,
          Statistics: ['Sum'],
        }),
      ),
    );
    return (out.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0);
  }
}
