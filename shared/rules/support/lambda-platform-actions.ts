/**
 * Actions the Lambda service itself needs from an execution role, as AWS's own managed policies grant them on
 * "*": writing the function's logs (AWSLambdaBasicExecutionRole), managing the function's network interfaces
 * in a VPC (AWSLambdaVPCAccessExecutionRole), and reading event sources (AWSLambdaKinesisExecutionRole,
 * AWSLambdaMSKExecutionRole). Rules about broad grants leave them out: they are how Lambda works, not a
 * choice the account made, and reporting them would flag nearly every function role.
 */

/** List-level actions (VPC networking, Kinesis and MSK event source mappings). */
export const LAMBDA_PLATFORM_LIST_ACTIONS: readonly string[] = [
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
  'kinesis:ListShards',
  'kinesis:ListStreams',
];

/** Write-level actions that support resource-level permissions (logs, VPC network interfaces). */
export const LAMBDA_PLATFORM_WRITE_ACTIONS: readonly string[] = [
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** A case-insensitive membership test over one of the lists. */
export function actionSet(actions: readonly string[]): (actionId: string) => boolean {
  const set = new Set(actions.map((a) => a.toLowerCase()));
  return (actionId) => set.has(actionId.toLowerCase());
}
