/**
 * Scan configuration (`--config FILE`): trusted accounts, severity overrides, disabled rules, thresholds,
 * suppressions. Validated; errors name the bad field.
 */
import { z } from 'zod';
import { SEVERITIES, type Severity } from './rule-types.ts';

const accountId = z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id');
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected a date such as 2027-01-31');

export const suppressionSchema = z
  .object({
    rule: z.string().min(1),
    /** ARN pattern with `*` and `?` wildcards. */
    resource: z.string().min(1),
    reason: z.string().min(1, 'a reason is required'),
    expires: isoDate.optional(),
  })
  .strict();

export const scanConfigSchema = z
  .object({
    knownAccounts: z.array(accountId).default([]),
    severityOverrides: z.record(z.string(), z.enum(SEVERITIES)).default({}),
    disabledRules: z.array(z.string()).default([]),
    thresholds: z
      .object({
        unusedRoleDays: z.number().int().positive().default(90),
        orphanedFunctionDays: z.number().int().positive().default(90),
      })
      .strict()
      .default({ unusedRoleDays: 90, orphanedFunctionDays: 90 }),
    /** Service principals whose roles count as workload roles. */
    workloadServices: z.array(z.string()).default(['lambda.amazonaws.com']),
    /** Report functions attached to a VPC (info). */
    reportVpcFunctions: z.boolean().default(true),
    /** Principals (ARN patterns) allowed to change IAM and Lambda: anything else is out of band. */
    deployers: z.array(z.string()).default([]),
    suppressions: z.array(suppressionSchema).default([]),
  })
  .strict();

export type ScanConfig = z.infer<typeof scanConfigSchema>;
export type Suppression = z.infer<typeof suppressionSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Validates a parsed config document; `source` names it in messages. */
export function parseScanConfig(value: unknown, source = 'config'): ScanConfig {
  const result = scanConfigSchema.safeParse(value ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const path = issue.path.length
        ? issue.path
            .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
            .join('')
            .slice(0)
        : '';
      return `${source}: ${path.replace(/^\./, '') || '(root)'}: ${issue.message}`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  return result.data;
}

export function defaultScanConfig(): ScanConfig {
  return parseScanConfig({});
}

export function effectiveSeverity(config: ScanConfig, ruleId: string, severity: Severity): Severity {
  return config.severityOverrides[ruleId] ?? severity;
}
