/**
 * One entry point for every report format.
 */
import { renderAsff } from './asff.ts';
import { renderCsv } from './csv.ts';
import { renderJson } from './json.ts';
import type { ReportContext, ReportFormat } from './report-context.ts';
import { renderSarif } from './sarif.ts';
import { renderTable } from './table.ts';

const RENDERERS: Record<ReportFormat, (ctx: ReportContext) => string> = {
  table: renderTable,
  json: renderJson,
  sarif: renderSarif,
  csv: renderCsv,
  asff: renderAsff,
};

export function renderReport(format: ReportFormat, ctx: ReportContext): string {
  return RENDERERS[format](ctx);
}
