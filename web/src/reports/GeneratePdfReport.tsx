import { useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Problem } from '../api/problem';
import { RANGE_LABELS, type Range } from '../charts/range';
import { FormAlert } from '../components/FormAlert';
import { newIdempotencyKey } from '../customers/api';
import { ProblemAlert } from '../customers/problems';
import { createReport } from './api';
import type { ReportRequest, ReportType } from './types';
import { MAX_NAME } from './wizard/draft';

/** What a statistics page shows: its range, and one customer or all (null). */
export interface ReportScope {
  range: Range;
  customer: string | null;
  /** The customer's name, when it is known. */
  customerName: string | null;
}

/** "Endpoint Statistics – Acme Dental – Last 7 days", cut to the longest name a report may have. */
export function pdfReportName(page: string, scope: ReportScope): string {
  const parts = [page, scope.customer === null ? null : scope.customerName, RANGE_LABELS[scope.range]];
  const name = parts.filter((part): part is string => part !== null && part !== '').join(' – ');
  const characters = Array.from(name);
  return characters.length <= MAX_NAME ? name : `${characters.slice(0, MAX_NAME - 1).join('')}…`;
}

/** The report a statistics page asks for: its type as a PDF, for the page's range and customer filter. */
export function pdfReportRequest(type: ReportType, page: string, scope: ReportScope): ReportRequest {
  const period = { kind: 'last', range: scope.range } as const;
  return {
    name: pdfReportName(page, scope),
    type,
    formats: ['pdf'],
    options:
      scope.customer === null
        ? { period, customers: [], allCustomers: true }
        : { period, customers: [scope.customer] },
  };
}

type Outcome = { kind: 'requested'; name: string } | { kind: 'failed'; problem: Problem };

export interface PdfReport {
  generate: () => Promise<void>;
  busy: boolean;
  outcome: Outcome | null;
}

/**
 * "Generate PDF report" on a statistics page (the guide: "You can generate a PDF report
 * from this page"): asks for the report of what the page shows.
 */
export function usePdfReport(type: ReportType, page: string, scope: ReportScope): PdfReport {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const attempt = useRef<{ body: string; key: string } | null>(null);

  async function generate() {
    if (busy) return;
    const body = pdfReportRequest(type, page, scope);
    const serialized = JSON.stringify(body);
    // A retry of the same request after a failure is the same report; a later click is a new one.
    const key = attempt.current?.body === serialized ? attempt.current.key : newIdempotencyKey();
    attempt.current = { body: serialized, key };
    setBusy(true);
    setOutcome(null);
    const result = await createReport(body, key);
    setBusy(false);
    if (result.ok) {
      attempt.current = null;
      setOutcome({ kind: 'requested', name: result.data.name });
    } else {
      setOutcome({ kind: 'failed', problem: result.problem });
    }
  }

  return { generate, busy, outcome };
}

export function GeneratePdfButton({ report }: { report: PdfReport }) {
  return (
    <button
      type="button"
      className="button button--secondary"
      onClick={() => void report.generate()}
      disabled={report.busy}
      data-testid="generate-pdf-report"
    >
      {report.busy ? 'Asking for the report…' : 'Generate PDF report'}
    </button>
  );
}

/** What became of the request: where the report will be listed, or why it was refused. */
export function PdfReportOutcome({ report }: { report: PdfReport }) {
  const { outcome } = report;
  if (outcome === null) return null;
  return (
    <div className="form__message" data-testid={outcome.kind === 'requested' ? 'pdf-report-requested' : undefined}>
      {outcome.kind === 'requested' ? (
        <FormAlert tone="success" title={`“${outcome.name}” is being made.`}>
          <p>
            It is listed on the <Link to="/reports">Reports page</Link>, where you can open and download it once it is ready.
          </p>
        </FormAlert>
      ) : (
        <ProblemAlert title="The PDF report could not be asked for" problem={outcome.problem} />
      )}
    </div>
  );
}
