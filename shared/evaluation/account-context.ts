/**
 * Whole-account state for the privilege-escalation rule in the real-time path. The first event of a warm Lambda
 * reads the account once (GetAccountAuthorizationDetails); later events patch that snapshot with what they
 * re-read and update the escalation analysis incrementally, so one change costs a re-check of what it can affect,
 * not a new analysis. The snapshot is re-read after `maxAgeMs` so drift the events missed cannot accumulate.
 */
import { EscalationAnalysis, type EscalationPath } from '../escalation/escalation-graph.ts';
import type { FindingsStore } from '../findings/findings-store.ts';
import { useEscalationAnalysis } from '../rules/iam-privilege-escalation/index.ts';
import type { AccountSnapshot, Principal } from '../snapshot/account-snapshot.ts';
import type { AccountRuleContext, TouchedState } from './evaluate-event.ts';
import type { StateReader } from './state-reader.ts';

const RULE_ID = 'iam-privilege-escalation';

function signature(path: EscalationPath | undefined): string {
  return path
    ? `${path.reaches}|${path.conditional}|${path.steps.map((s) => `${s.method}>${s.to}`).join(',')}`
    : '';
}

export class AccountContextCache {
  private snapshot: AccountSnapshot | undefined;
  private analysis: EscalationAnalysis | undefined;
  private loadedAt = 0;

  constructor(
    private readonly reader: StateReader,
    private readonly store: FindingsStore,
    private readonly options: { maxAgeMs?: number; now?: () => number } = {},
  ) {}

  async contextFor(touched: TouchedState): Promise<AccountRuleContext> {
    const now = this.options.now?.() ?? Date.now();
    const touchedArns = touched.principals.filter((p) => p.kind !== 'group').map((p) => p.arn);
    if (!this.snapshot || !this.analysis || now - this.loadedAt > (this.options.maxAgeMs ?? 15 * 60_000)) {
      this.snapshot = await this.reader.account();
      this.analysis = new EscalationAnalysis(this.snapshot);
      useEscalationAnalysis(this.snapshot, this.analysis);
      this.loadedAt = now;
      // Without an earlier analysis to compare with: report the touched principals, everyone with a path now,
      // and everyone with an open finding (who may have lost theirs).
      const open = await this.openFindingPrincipals();
      const withPath = this.analysis.allPaths().map((p) => p.principal);
      return { snapshot: this.snapshot, principals: [...new Set([...touchedArns, ...withPath, ...open])] };
    }
    const snapshot = this.snapshot;
    const analysis = this.analysis;
    const before = new Map(analysis.allPaths().map((p) => [p.principal, signature(p)]));
    const adminsBefore = new Set(analysis.administrators());
    this.patch(snapshot, touched);
    analysis.update(snapshot, {
      principals: [...touched.principals.map((p) => p.arn), ...touched.deletedPrincipals.map((d) => d.name)],
      managedPolicies: touched.managedPolicies.map((p) => p.arn),
      trustPolicies: touched.principals.filter((p) => p.kind === 'role').map((p) => p.arn),
      functions: touched.functions.length > 0 || touched.deletedFunctions.length > 0,
    });
    const changed = new Set(touchedArns);
    for (const p of [...snapshot.users, ...snapshot.roles]) {
      const after = signature(analysis.pathFor(p.arn));
      if ((before.get(p.arn) ?? '') !== after || adminsBefore.has(p.arn) !== analysis.isAdmin(p.arn))
        changed.add(p.arn);
    }
    return { snapshot, principals: [...changed] };
  }

  /** Replaces the re-read principals and policies in the cached snapshot, and drops deleted principals. */
  private patch(snapshot: AccountSnapshot, touched: TouchedState): void {
    const replace = <T extends Principal>(list: T[], kind: T['kind']): T[] => {
      const fresh = touched.principals.filter((p): p is T => p.kind === kind);
      const deleted = new Set(touched.deletedPrincipals.filter((d) => d.kind === kind).map((d) => d.name));
      const names = new Set(fresh.map((p) => p.name));
      return [...list.filter((p) => !names.has(p.name) && !deleted.has(p.name)), ...fresh];
    };
    snapshot.roles = replace(snapshot.roles, 'role');
    snapshot.users = replace(snapshot.users, 'user');
    snapshot.groups = replace(snapshot.groups, 'group');
    for (const policy of touched.managedPolicies) snapshot.managedPolicies.set(policy.arn, policy);
    if (snapshot.functions) {
      const fresh = new Set(touched.functions.map((f) => f.arn));
      const gone = new Set(touched.deletedFunctions);
      snapshot.functions = [
        ...snapshot.functions.filter((f) => !fresh.has(f.arn) && !gone.has(f.name) && !gone.has(f.arn)),
        ...touched.functions,
      ];
    }
  }

  private async openFindingPrincipals(): Promise<string[]> {
    const principals: string[] = [];
    for (const status of ['open', 'suppressed'] as const) {
      let cursor: string | undefined;
      do {
        const page = await this.store.query({
          status,
          ruleId: RULE_ID,
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        principals.push(...page.items.map((r) => r.resource));
        cursor = page.cursor;
      } while (cursor);
    }
    return principals;
  }
}
