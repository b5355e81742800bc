/**
 * The IAM actions `tripline collect` calls, kept apart from the SDK code so the docs generator can read them
 * without loading the SDK. `sts:GetCallerIdentity` needs no permission and is not listed.
 */
export const COLLECT_ACTIONS = [
  'iam:GetAccountAuthorizationDetails',
  'lambda:ListFunctions',
  'lambda:GetPolicy',
  'lambda:GetFunctionUrlConfig',
  'cloudwatch:GetMetricStatistics',
] as const;
