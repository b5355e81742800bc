/**
 * Evidence as people read it: indented JSON, secret-looking strings redacted again (records are redacted when
 * stored; this also covers records written before a redaction pattern existed). Pure.
 */
import { redactEvidence } from '../findings/evidence-redaction.ts';
import type { Evidence } from '../rules/rule-types.ts';
import { withoutControlCharacters } from './text-fitting.ts';

export function evidenceText(evidence: Evidence): string {
  return withoutControlCharacters(JSON.stringify(redactEvidence(evidence), null, 2));
}
