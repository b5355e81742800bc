import type { LambdaFunction } from '../../snapshot/account-snapshot.ts';
import type { FunctionRule, RuleContext, RuleResult } from '../rule-types.ts';
import { fail, notApplicable, pass } from '../support/results.ts';

const TYPE = 'AWS::Lambda::Function' as const;

function evaluate(fn: LambdaFunction, ctx: RuleContext): RuleResult[] {
  if (!ctx.config.reportVpcFunctions)
    return [notApplicable(fn.arn, TYPE, 'reportVpcFunctions is off in the config')];
  if (!fn.vpc) return [pass(fn.arn, TYPE, 'function is not attached to a VPC')];
  return [
    fail(
      fn.arn,
      TYPE,
      `function ${fn.name} is attached to ${fn.vpc.vpcId ?? 'a VPC'} ` +
        `(${fn.vpc.subnetIds.length} subnets, ${fn.vpc.securityGroupIds.length} security groups)`,
      {
        vpcId: fn.vpc.vpcId ?? null,
        subnetIds: fn.vpc.subnetIds,
        securityGroupIds: fn.vpc.securityGroupIds,
      },
    ),
  ];
}

export const rule: FunctionRule = {
  id: 'lambda-in-vpc',
  title: 'Function is attached to a VPC',
  severity: 'info',
  resourceType: 'AWS::Lambda::Function',
  scope: 'function',
  evaluator: 'lambda-config',
  rationale:
    'A VPC-attached function reaches private databases and services, so its network reach is set by subnets, ' +
    'security groups, route tables and VPC endpoints rather than by IAM alone, and its role needs ' +
    'ec2:CreateNetworkInterface and related actions. This inventory finding lists such functions so their ' +
    'security groups and egress paths get reviewed. Turn it off with reportVpcFunctions: false.',
  remediation: {
    summary:
      'Review the security groups (least egress), the subnets and the VPC endpoints of the function; detach it ' +
      'from the VPC if it reaches nothing private.',
    cli: 'aws lambda update-function-configuration --function-name FUNCTION --vpc-config SubnetIds=[],SecurityGroupIds=[]',
    cdk: 'new lambda.Function(this, "Fn", { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [sg], allowAllOutbound: false, ... })',
  },
  references: [
    'https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html',
    'https://docs.aws.amazon.com/lambda/latest/dg/foundation-networking.html',
  ],
  triggers: [
    {
      source: 'aws.lambda',
      eventNames: [
        'CreateFunction20150331',
        'UpdateFunctionConfiguration20150331v2',
        'DeleteFunction20150331',
      ],
    },
  ],
  readActions: ['lambda:GetFunctionConfiguration', 'lambda:ListFunctions'],
  evaluate,
};
