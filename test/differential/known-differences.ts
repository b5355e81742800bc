/**
 * The documented differences between our engine and iam-simulate (each one a `## id` in known-differences.md).
 *
 * A disagreement counts as a known difference only when a counterfactual confirms it. Each class names one
 * policy feature on which the two engines read AWS differently, and a rewrite of the case that gives that
 * feature, for one engine, the meaning the other engine gives it (e.g. "add the key policy statement that
 * delegates to IAM" for the oracle, or "turn the NotPrincipal Deny into a Deny for everyone" for our engine).
 * That engine is run again on the rewritten case; the class explains the disagreement when the two answers
 * then agree. A class never matches on labels alone, so a new bug in a neighbouring feature still fails the
 * differential test. When one case has two known features, pairs of rewrites are tried.
 */
import type { Outcome } from './case-adapters.ts';
import type { ContextValues, GeneratedCase, JsonValue, PolicyDocument } from './generate-cases.ts';

/** Runs each engine on a (rewritten) case, with the context the oracle kept for the original case. */
export interface EngineRunners {
  ours(c: GeneratedCase): Outcome;
  oracle(c: GeneratedCase): Promise<Outcome | undefined>;
}

export interface Disagreement {
  c: GeneratedCase;
  /** The request context after dropping keys the oracle ignores for this action. */
  context: ContextValues;
  ours: Outcome;
  oracle: Outcome;
}

export interface KnownDifference {
  /** The `## id` heading in known-differences.md. */
  id: string;
  /** Whose answer the AWS documentation supports. */
  documentationSupports: 'oracle' | 'engine';
  /** Cheap structural precondition. */
  applies(d: Disagreement): boolean;
  /** Which engine runs again on the rewritten case: the one whose reading of the feature is changed. */
  rerun: 'ours' | 'oracle';
  /** Rewrites (a clone of) the case; returns false when there was nothing to rewrite. */
  rewrite(c: GeneratedCase, d: Disagreement): boolean;
}

// ---- helpers over generated documents ----

function statementsOf(doc: PolicyDocument | undefined): PolicyDocument[] {
  if (!doc) return [];
  const raw = doc.Statement;
  if (Array.isArray(raw)) return raw as PolicyDocument[];
  return raw && typeof raw === 'object' ? [raw as PolicyDocument] : [];
}

function allDocuments(c: GeneratedCase): PolicyDocument[] {
  const docs = [...c.identity];
  if (c.boundary) docs.push(c.boundary);
  for (const level of c.scps ?? []) docs.push(...level);
  if (c.resourcePolicy) docs.push(c.resourcePolicy.document);
  return docs;
}

function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `[statement, operator]` for every `ForAnyValue:...IfExists` / `ForAllValues:...IfExists` clause block. */
function setQualifiedIfExists(doc: PolicyDocument): [PolicyDocument, string][] {
  const found: [PolicyDocument, string][] = [];
  for (const statement of statementsOf(doc)) {
    const condition = statement.Condition;
    if (!condition || typeof condition !== 'object' || Array.isArray(condition)) continue;
    for (const operator of Object.keys(condition)) {
      if (/^For(AnyValue|AllValues):.+IfExists$/.test(operator)) found.push([statement, operator]);
    }
  }
  return found;
}

/** The `IpAddress` / `NotIpAddress` (`...IfExists`) blocks holding an address written without a prefix length. */
function bareIpAddressBlocks(doc: PolicyDocument): { [key: string]: JsonValue }[] {
  const found: { [key: string]: JsonValue }[] = [];
  for (const statement of statementsOf(doc)) {
    const condition = statement.Condition;
    if (!condition || typeof condition !== 'object' || Array.isArray(condition)) continue;
    for (const [operator, block] of Object.entries(condition)) {
      if (
        !/^(Not)?IpAddress(IfExists)?$/.test(operator) ||
        !block ||
        typeof block !== 'object' ||
        Array.isArray(block)
      ) {
        continue;
      }
      if (
        Object.values(block).some((v) => asList(v).some((a) => typeof a === 'string' && !a.includes('/')))
      ) {
        found.push(block);
      }
    }
  }
  return found;
}

// ---- the classes ----

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'oracle-ifexists-under-set-qualifier',
    documentationSupports: 'engine',
    applies: (d) => allDocuments(d.c).some((doc) => setQualifiedIfExists(doc).length > 0),
    rerun: 'oracle',
    // What the documentation says IfExists means: a missing key makes the clause true; a present key is tested
    // as without IfExists.
    rewrite(c, d) {
      const present = new Set(Object.keys(d.context).map((k) => k.toLowerCase()));
      for (const doc of allDocuments(c)) {
        for (const [statement, operator] of setQualifiedIfExists(doc)) {
          const condition = statement.Condition as { [op: string]: { [key: string]: JsonValue } };
          const block = condition[operator] ?? {};
          delete condition[operator];
          const kept = Object.entries(block).filter(([key]) => present.has(key.toLowerCase()));
          if (kept.length > 0) {
            const base = operator.slice(0, -'IfExists'.length);
            condition[base] = { ...(condition[base] ?? {}), ...Object.fromEntries(kept) };
          }
          if (Object.keys(condition).length === 0) delete statement.Condition;
        }
      }
      return true;
    },
  },
  {
    id: 'oracle-bare-ip-address-other-family',
    documentationSupports: 'engine',
    applies: (d) => allDocuments(d.c).some((doc) => bareIpAddressBlocks(doc).length > 0),
    rerun: 'oracle',
    // Write each bare address with the prefix IAM gives it (/32, or /128 for IPv6).
    rewrite(c) {
      for (const doc of allDocuments(c)) {
        for (const block of bareIpAddressBlocks(doc)) {
          for (const [key, value] of Object.entries(block)) {
            const withPrefix = (v: JsonValue): JsonValue =>
              typeof v === 'string' && !v.includes('/') ? `${v}/${v.includes(':') ? 128 : 32}` : v;
            block[key] = Array.isArray(value) ? value.map(withPrefix) : withPrefix(value);
          }
        }
      }
      return true;
    },
  },
  {
    id: 'oracle-variables-in-old-version',
    documentationSupports: 'engine',
    applies: (d) =>
      allDocuments(d.c).some((doc) => doc.Version !== '2012-10-17' && JSON.stringify(doc).includes('${')),
    rerun: 'oracle',
    // Spell the literal `${` of an old-version document the way a 2012-10-17 policy must (`${$}{`).
    rewrite(c) {
      const literal = (doc: PolicyDocument): PolicyDocument =>
        doc.Version === '2012-10-17'
          ? doc
          : (JSON.parse(JSON.stringify(doc).replaceAll('${', '${$}{')) as PolicyDocument);
      c.identity = c.identity.map(literal);
      if (c.boundary) c.boundary = literal(c.boundary);
      if (c.scps) c.scps = c.scps.map((level) => level.map(literal));
      if (c.resourcePolicy) c.resourcePolicy.document = literal(c.resourcePolicy.document);
      return true;
    },
  },
];

/**
 * The known differences that explain a disagreement (one class, or two whose rewrites together are needed),
 * or undefined when none does.
 */
export async function explainDisagreement(
  d: Disagreement,
  run: EngineRunners,
): Promise<readonly KnownDifference[] | undefined> {
  const candidates = KNOWN_DIFFERENCES.filter((k) => k.applies(d));
  const attempt = async (classes: readonly KnownDifference[]): Promise<boolean> => {
    const forOurs = structuredClone(d.c);
    const forOracle = structuredClone(d.c);
    for (const k of classes) {
      if (!k.rewrite(k.rerun === 'ours' ? forOurs : forOracle, d)) return false;
    }
    const ours = classes.some((k) => k.rerun === 'ours') ? run.ours(forOurs) : d.ours;
    const oracle = classes.some((k) => k.rerun === 'oracle') ? await run.oracle(forOracle) : d.oracle;
    return ours === oracle;
  };
  for (const k of candidates) {
    if (await attempt([k])) return [k];
  }
  for (let i = 0; i < candidates.length; i++) {
    for (let j = i + 1; j < candidates.length; j++) {
      const pair = [candidates[i] as KnownDifference, candidates[j] as KnownDifference];
      if (await attempt(pair)) return pair;
    }
  }
  return undefined;
}
