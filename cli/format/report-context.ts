/**
 * Everything a report renderer needs: the scan result, the rules that ran, and where the input came from.
 * Renderers are pure functions of this context, so the same scan always renders the same bytes (ASFF aside,
 * whose timestamps are `generatedAt`).
 */
import type { Rule } from '../../shared/rules/rule-types.ts';
import type { ScanReport } from '../../shared/scan/run-scan.ts';

export interface InputSource {
  /** The file as the user named it (relative paths stay relative): used in messages and SARIF artifact URIs. */
  uri: string;
  /** Its text, to locate resources in it. */
  text: string;
}

export interface ReportContext {
  report: ScanReport;
  /** The rules that ran (enabled ones), in catalogue order. */
  rules: readonly Rule[];
  tool: { name: string; version: string };
  generatedAt: Date;
  sources: { authorizationDetails: InputSource; lambdas?: InputSource };
  /** AWS Region the ASFF findings are meant for (Security Hub is regional). */
  region: string;
  /** ANSI colour in the table format. */
  colour: boolean;
}

export const REPORT_FORMATS = ['table', 'json', 'sarif', 'csv', 'asff'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
