/**
 * Test support: Tripline's synthesized CloudFormation templates as an AccountSnapshot, so Tripline's own rules can
 * audit Tripline's own roles and functions. Intrinsics resolve to plausible values for the stack's account and
 * Region (a role is `arn:aws:iam::<account>:role/<stack>-<logical id>` unless it has a `RoleName`, a table ARN ends in
 * `table/<logical id>`…); an intrinsic it does not know throws rather than guess.
 */
import type { AccountSnapshot } from '../shared/snapshot/account-snapshot.ts';
import {
  buildSnapshot,
  parseAuthorizationDetails,
  parseLambdaInventory,
} from '../shared/snapshot/parse-authorization-details.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, Json>;
}

export interface CloudFormationTemplate {
  Resources: Record<string, TemplateResource>;
}

export interface SynthesizedStack {
  stackName: string;
  account: string;
  region: string;
  template: CloudFormationTemplate;
}

const PARTITION = 'aws';

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Resolves the intrinsics CDK emits for Tripline's stacks, against one stack. */
export class TemplateResolver {
  constructor(private readonly stack: SynthesizedStack) {}

  private resource(logicalId: string): TemplateResource {
    const resource = this.stack.template.Resources[logicalId];
    if (!resource) throw new Error(`${this.stack.stackName}: no resource ${logicalId}`);
    return resource;
  }

  /** The physical name CloudFormation would give the resource (its name property, else stack-logical id). */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const nameProperty: Record<string, string> = {
      'AWS::IAM::Role': 'RoleName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::SNS::Topic': 'TopicName',
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::Events::Rule': 'Name',
    };
    const key = nameProperty[resource.Type];
    const given = key ? resource.Properties?.[key] : undefined;
    return given !== undefined ? String(this.resolve(given)) : `${this.stack.stackName}-${logicalId}`;
  }

  arn(logicalId: string): string {
    const { account, region } = this.stack;
    const name = this.physicalName(logicalId);
    const type = this.resource(logicalId).Type;
    switch (type) {
      case 'AWS::IAM::Role':
        return `arn:${PARTITION}:iam::${account}:role/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${PARTITION}:lambda:${region}:${account}:function:${name}`;
      case 'AWS::SQS::Queue':
        return `arn:${PARTITION}:sqs:${region}:${account}:${name}`;
      case 'AWS::SNS::Topic':
        return `arn:${PARTITION}:sns:${region}:${account}:${name}`;
      case 'AWS::DynamoDB::Table':
        return `arn:${PARTITION}:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${PARTITION}:logs:${region}:${account}:log-group:${name}:*`;
      case 'AWS::KMS::Key':
        return `arn:${PARTITION}:kms:${region}:${account}:key/${logicalId}`;
      case 'AWS::Events::Rule':
        return `arn:${PARTITION}:events:${region}:${account}:rule/${name}`;
      default:
        throw new Error(`no ARN for ${type}`);
    }
  }

  private ref(logicalId: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Partition': PARTITION,
      'AWS::Region': this.stack.region,
      'AWS::AccountId': this.stack.account,
      'AWS::StackName': this.stack.stackName,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const value = pseudo[logicalId];
    if (value !== undefined) return value;
    const type = this.resource(logicalId).Type;
    switch (type) {
      case 'AWS::SNS::Topic':
        return this.arn(logicalId);
      case 'AWS::SQS::Queue':
        return `https://sqs.${this.stack.region}.amazonaws.com/${this.stack.account}/${this.physicalName(logicalId)}`;
      case 'AWS::KMS::Key':
        return logicalId;
      default:
        return this.physicalName(logicalId);
    }
  }

  private getAtt(logicalId: string, attribute: string): string {
    switch (attribute) {
      case 'Arn':
        return this.arn(logicalId);
      case 'StreamArn':
        return `${this.arn(logicalId)}/stream/2026-12-01T00:00:00.000`;
      case 'QueueName':
      case 'TopicName':
        return this.physicalName(logicalId);
      case 'QueueUrl':
      case 'TopicArn':
        return this.ref(logicalId);
      default:
        throw new Error(`no value for ${logicalId}.${attribute}`);
    }
  }

  /** Resolves every intrinsic in `value`, deeply. */
  resolve(value: Json | undefined): Json {
    if (value === undefined) return null;
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!isObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = value[key];
      if (key === 'Ref' && typeof arg === 'string') return this.ref(arg);
      if (key === 'Fn::GetAtt' && Array.isArray(arg)) return this.getAtt(String(arg[0]), String(arg[1]));
      if (key === 'Fn::Join' && Array.isArray(arg) && Array.isArray(arg[1]))
        return arg[1].map((part) => String(this.resolve(part))).join(String(arg[0]));
      if (key.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${key}`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v)]));
  }
}

function resourcesOf(stack: SynthesizedStack, type: string): [string, TemplateResource][] {
  return Object.entries(stack.template.Resources).filter(([, r]) => r.Type === type);
}

/** The roles (with their inline and attached policies) and functions (with their resource policies) of the stacks. */
export function snapshotFromTemplates(stacks: readonly SynthesizedStack[]): AccountSnapshot {
  const roleDetails: Json[] = [];
  const functions: Json[] = [];
  for (const stack of stacks) {
    const resolver = new TemplateResolver(stack);
    const policies = resourcesOf(stack, 'AWS::IAM::Policy');
    for (const [logicalId, role] of resourcesOf(stack, 'AWS::IAM::Role')) {
      const props = role.Properties ?? {};
      const inline = Array.isArray(props.Policies) ? props.Policies : [];
      const attachedPolicies = policies
        .filter(([, p]) => JSON.stringify(p.Properties?.Roles ?? []).includes(`"Ref":"${logicalId}"`))
        .map(([policyId, p]) => ({
          PolicyName: policyId,
          PolicyDocument: p.Properties?.PolicyDocument ?? null,
        }));
      const managed = Array.isArray(props.ManagedPolicyArns) ? props.ManagedPolicyArns : [];
      roleDetails.push(
        resolver.resolve({
          RoleName: resolver.physicalName(logicalId),
          Arn: resolver.arn(logicalId),
          Path: props.Path ?? '/',
          AssumeRolePolicyDocument: props.AssumeRolePolicyDocument ?? null,
          RolePolicyList: [...inline, ...attachedPolicies],
          AttachedManagedPolicies: managed.map((arn) => ({ PolicyArn: arn })),
          ...(props.PermissionsBoundary
            ? { PermissionsBoundary: { PermissionsBoundaryArn: props.PermissionsBoundary } }
            : {}),
        }),
      );
    }
    const permissions = resourcesOf(stack, 'AWS::Lambda::Permission');
    for (const [logicalId, fn] of resourcesOf(stack, 'AWS::Lambda::Function')) {
      const props = fn.Properties ?? {};
      const arn = resolver.arn(logicalId);
      const statements = permissions
        .filter(([, p]) => resolver.resolve(p.Properties?.FunctionName) === arn)
        .map(([permissionId, p]) => {
          const pp = resolver.resolve(p.Properties ?? {}) as Record<string, Json>;
          const principal = String(pp.Principal);
          const condition: Record<string, Json> = {};
          if (pp.SourceArn) condition.ArnLike = { 'AWS:SourceArn': pp.SourceArn };
          if (pp.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': pp.SourceAccount };
          return {
            Sid: permissionId,
            Effect: 'Allow',
            Principal: principal.includes('.amazonaws.com') ? { Service: principal } : { AWS: principal },
            Action: pp.Action ?? null,
            Resource: arn,
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
          };
        });
      const environment = isObject(props.Environment) ? props.Environment : {};
      functions.push(
        resolver.resolve({
          FunctionName: resolver.physicalName(logicalId),
          FunctionArn: arn,
          Role: props.Role ?? null,
          Runtime: props.Runtime ?? null,
          Handler: props.Handler ?? null,
          PackageType: 'Zip',
          Architectures: props.Architectures ?? ['x86_64'],
          Environment: environment,
          ...(statements.length > 0
            ? { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }) }
            : {}),
        }),
      );
    }
  }
  const details = parseAuthorizationDetails([{ RoleDetailList: roleDetails }], 'template');
  return buildSnapshot(details, parseLambdaInventory({ Functions: functions }, 'template'), {
    authorizationDetails: 'synthesized templates',
    lambdas: 'synthesized templates',
  });
}
