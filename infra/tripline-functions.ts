/**
 * Tripline's Lambda functions as plain data: which entry point, which rules, which StateReader methods, and the
 * sizing of each. The CDK construct, the generated permissions document and the tests all read this; nothing here
 * imports aws-cdk-lib.
 */
import type { StateReader } from '../shared/evaluation/state-reader.ts';
import { RULES as ACTIVITY_RULES } from '../shared/rules/groups/activity.ts';
import { RULES as IDENTITY_POLICIES_RULES } from '../shared/rules/groups/identity-policies.ts';
import { RULES as LAMBDA_CONFIG_RULES } from '../shared/rules/groups/lambda-config.ts';
import { RULES as LAMBDA_POLICIES_RULES } from '../shared/rules/groups/lambda-policies.ts';
import { RULES as TRUST_POLICIES_RULES } from '../shared/rules/groups/trust-policies.ts';
import { ALL_RULES } from '../shared/rules/index.ts';
import type { EvaluatorGroup, Rule } from '../shared/rules/rule-types.ts';

export type TriplineFunctionId = EvaluatorGroup | 'sweep' | 'notifier' | 'digest';
export type ReaderMethod = keyof StateReader;

export interface TriplineFunctionSpec {
  id: TriplineFunctionId;
  kind: 'evaluator' | 'sweep' | 'notifier' | 'digest';
  /** Entry point, relative to the repository root. */
  entry: string;
  /** The entry point's export Lambda calls. */
  handler: string;
  description: string;
  /** The rules the function runs: their declared `readActions` are granted. */
  rules: readonly Rule[];
  /**
   * The StateReader methods the function's code path calls (`evaluateEvent` for an evaluator, `sweep` for the
   * sweep). Their actions (`SDK_STATE_READER_ACTIONS`) are granted too. `infra/reader-methods.test.ts` replays every
   * trigger event of the group through `evaluateEvent` with a recording reader and checks this list exactly.
   */
  readerMethods: readonly ReaderMethod[];
  /** The function keeps an account-wide snapshot (`AccountContextCache`): it runs the privilege-escalation rule. */
  wholeAccount: boolean;
  /**
   * Delayed re-reads: the group's rules read IAM principals, whose documents the first pass may take from the
   * event (IAM is eventually consistent), so the handler queues a re-read.
   */
  recheck: boolean;
  memoryMb: number;
  timeoutSeconds: number;
  /** Caps concurrent runs (IAM read APIs are throttled account-wide: a burst of events must not starve them). */
  reservedConcurrency: number;
}

export const EVALUATOR_RULES: Readonly<Record<EvaluatorGroup, readonly Rule[]>> = {
  'identity-policies': IDENTITY_POLICIES_RULES,
  'trust-policies': TRUST_POLICIES_RULES,
  'lambda-config': LAMBDA_CONFIG_RULES,
  'lambda-policies': LAMBDA_POLICIES_RULES,
  activity: ACTIVITY_RULES,
};

/** The evaluator groups, in deployment order. */
export const EVALUATOR_GROUPS = Object.keys(EVALUATOR_RULES) as EvaluatorGroup[];

/** The rule `evaluateEvent` runs on the account-wide context. */
const WHOLE_ACCOUNT_RULE = 'iam-privilege-escalation';

const READER_METHODS: Readonly<Record<EvaluatorGroup, readonly ReaderMethod[]>> = {
  'identity-policies': [
    'role',
    'user',
    'group',
    'managedPolicy',
    'policyEntities',
    'lambdaFunction',
    'functionsUsingRole',
    'account',
  ],
  'trust-policies': ['role', 'managedPolicy'],
  'lambda-config': ['lambdaFunction', 'functionsUsingRole'],
  'lambda-policies': ['lambdaFunction'],
  activity: ['role', 'managedPolicy'],
};

const SIZING: Readonly<
  Record<
    TriplineFunctionId,
    Pick<TriplineFunctionSpec, 'memoryMb' | 'timeoutSeconds' | 'reservedConcurrency'>
  >
> = {
  // Reads the whole account (GetAccountAuthorizationDetails) on a cold start and every 15 minutes.
  'identity-policies': { memoryMb: 1024, timeoutSeconds: 300, reservedConcurrency: 2 },
  'trust-policies': { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 5 },
  // Lists the region's functions to find those sharing a role.
  'lambda-config': { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 5 },
  'lambda-policies': { memoryMb: 512, timeoutSeconds: 120, reservedConcurrency: 5 },
  // Reads nothing: rules on the event alone.
  activity: { memoryMb: 256, timeoutSeconds: 30, reservedConcurrency: 5 },
  // The whole account and every rule; one at a time.
  sweep: { memoryMb: 2048, timeoutSeconds: 900, reservedConcurrency: 1 },
  notifier: { memoryMb: 256, timeoutSeconds: 60, reservedConcurrency: 2 },
  // Reads every open finding once a day.
  digest: { memoryMb: 512, timeoutSeconds: 300, reservedConcurrency: 1 },
};

function evaluatorSpec(group: EvaluatorGroup): TriplineFunctionSpec {
  const rules = EVALUATOR_RULES[group];
  return {
    id: group,
    kind: 'evaluator',
    entry: `functions/${group}-evaluator.ts`,
    handler: 'handler',
    description: `Tripline: evaluates the ${group} rules on CloudTrail events`,
    rules,
    readerMethods: READER_METHODS[group],
    wholeAccount: rules.some((r) => r.id === WHOLE_ACCOUNT_RULE),
    recheck: rules.some((r) => r.scope === 'principal'),
    ...SIZING[group],
  };
}

export const TRIPLINE_FUNCTIONS: readonly TriplineFunctionSpec[] = [
  ...EVALUATOR_GROUPS.map(evaluatorSpec),
  {
    id: 'sweep',
    kind: 'sweep',
    entry: 'functions/sweep.ts',
    handler: 'handler',
    description: 'Tripline: scheduled full sweep of the account (catches what events missed)',
    rules: ALL_RULES,
    readerMethods: ['account'],
    wholeAccount: true,
    recheck: false,
    ...SIZING.sweep,
  },
  {
    id: 'notifier',
    kind: 'notifier',
    entry: 'functions/notifier.ts',
    handler: 'handler',
    description: 'Tripline: sends alerts for finding transitions (table stream)',
    rules: [],
    readerMethods: [],
    wholeAccount: false,
    recheck: false,
    ...SIZING.notifier,
  },
  {
    id: 'digest',
    kind: 'digest',
    entry: 'functions/notifier.ts',
    handler: 'dailyDigest',
    description: 'Tripline: the scheduled digest of open findings (email, Slack)',
    rules: [],
    readerMethods: [],
    wholeAccount: false,
    recheck: false,
    ...SIZING.digest,
  },
];

export function functionSpec(id: TriplineFunctionId): TriplineFunctionSpec {
  const spec = TRIPLINE_FUNCTIONS.find((f) => f.id === id);
  if (!spec) throw new Error(`unknown Tripline function ${id}`);
  return spec;
}
