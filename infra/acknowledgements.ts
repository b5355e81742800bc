/**
 * cdk-nag acknowledgements, each with its written reason, recorded so tests can list and check them.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  path: string;
  id: string;
  reason: string;
}

const RECORDED = new WeakMap<IConstruct, Acknowledgement[]>();

/** Acknowledges a cdk-nag finding on `construct` with a reason, and records it on the construct's root (the App). */
export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 30) throw new Error(`acknowledgement ${id} needs a specific reason`);
  Validations.of(construct).acknowledge({ id, reason });
  const root = construct.node.root;
  const list = RECORDED.get(root) ?? [];
  list.push({ path: construct.node.path, id, reason });
  RECORDED.set(root, list);
}

/** Every acknowledgement made under this app. */
export function acknowledgementsOf(app: IConstruct): readonly Acknowledgement[] {
  return RECORDED.get(app.node.root) ?? [];
}
