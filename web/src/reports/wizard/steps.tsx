import { useId, type ReactNode } from 'react';
import { TextField } from '../../components/fields';
import { SelectInput } from '../../customers/controls';
import { COMPUTER_SCOPE_LABELS, FORMAT_LABELS, periodLabel, REPORT_BY_LABELS } from '../labels';
import type { ReportTypeInfo } from '../types';
import { MAX_NAME, reportRequest, type DraftErrors, type ReportDraft } from './draft';

/** Reports are listed on the Reports page; the Delivery step says so. */
export const DELIVERY_TEXT = 'Reports are listed on the Reports page, where you can open and download them.';

interface StepProps {
  draft: ReportDraft;
  errors: DraftErrors;
  onChange: (next: Partial<ReportDraft>, field?: keyof DraftErrors) => void;
}

/** Report Selection: the report's name and its type. */
export function ReportSelectionStep({
  draft,
  errors,
  onChange,
  types,
  onType,
}: StepProps & { types: readonly ReportTypeInfo[]; onType: (info: ReportTypeInfo) => void }) {
  return (
    <div className="form__stack">
      <TextField
        name="report.name"
        label="Report name"
        value={draft.name}
        onChange={(name) => onChange({ name }, 'name')}
        error={errors.name}
        hint={`Up to ${MAX_NAME} characters. It names the report in the list and on its files.`}
        autoComplete="off"
        testId="report-name"
      />
      <SelectInput
        name="report.type"
        label="Report Type"
        value={draft.type}
        onChange={(value) => {
          const info = types.find((candidate) => candidate.type === value);
          if (info) onType(info);
          else onChange({ type: '' }, 'type');
        }}
        options={types.map((info) => ({ value: info.type, label: info.title }))}
        placeholder="Select a report type"
        error={errors.type}
        testId="report-type"
      />
    </div>
  );
}

/** Format Selection: the formats the type renders to, PDF checked at first. */
export function FormatSelectionStep({ draft, errors, onChange, info }: StepProps & { info: ReportTypeInfo }) {
  const errorId = useId();
  const error = errors.formats;
  return (
    <fieldset
      className={['radio-group', error ? 'radio-group--invalid' : ''].filter(Boolean).join(' ')}
      aria-describedby={error ? errorId : undefined}
      data-testid="report-formats"
    >
      <legend className="radio-group__legend">Formats</legend>
      <p className="field__hint">
        {info.title} is rendered in {info.formats.map((format) => FORMAT_LABELS[format]).join(', ')}.
      </p>
      <div className="radio-group__options">
        {info.formats.map((format, index) => {
          const id = `${errorId}-${format}`;
          return (
            <div className="checkbox" key={format}>
              <input
                id={id}
                type="checkbox"
                className="checkbox__input"
                checked={draft.formats.includes(format)}
                aria-invalid={error && index === 0 ? true : undefined}
                onChange={(event) =>
                  onChange(
                    {
                      formats: event.target.checked
                        ? [...draft.formats, format]
                        : draft.formats.filter((chosen) => chosen !== format),
                    },
                    'formats',
                  )
                }
                data-testid={`report-format-${format}`}
              />
              <label className="checkbox__label" htmlFor={id}>
                {FORMAT_LABELS[format]}
              </label>
            </div>
          );
        })}
      </div>
      {error ? (
        <p className="field__error" id={errorId}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function DeliveryStep() {
  return <p data-testid="report-delivery">{DELIVERY_TEXT}</p>;
}

function SummaryRow({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Confirmation: every choice, as the report will be asked for. */
export function ConfirmationStep({ draft, info }: { draft: ReportDraft; info: ReportTypeInfo }) {
  const request = reportRequest(draft, info);
  const { options } = request;
  return (
    <dl className="details details--compact" data-testid="report-summary">
      <SummaryRow term="Report name">{request.name}</SummaryRow>
      <SummaryRow term="Report Type">{info.title}</SummaryRow>
      <SummaryRow term="Time period">{periodLabel(options.period)}</SummaryRow>
      <SummaryRow term="Customers">
        {options.allCustomers ? 'All customers' : draft.customers.map((customer) => customer.name).join(', ')}
      </SummaryRow>
      {options.computers !== undefined ? (
        <SummaryRow term="Computers">{COMPUTER_SCOPE_LABELS[options.computers]}</SummaryRow>
      ) : null}
      {options.includeMac !== undefined ? (
        <SummaryRow term="Mac computers">{options.includeMac ? 'Included' : 'Not included'}</SummaryRow>
      ) : null}
      {options.reportBy !== undefined ? (
        <SummaryRow term="Report By">{REPORT_BY_LABELS[options.reportBy]}</SummaryRow>
      ) : null}
      {options.activeUsersOnly !== undefined ? (
        <SummaryRow term="Users">{options.activeUsersOnly ? 'Active users only' : 'All users'}</SummaryRow>
      ) : null}
      <SummaryRow term="Formats">{request.formats.map((format) => FORMAT_LABELS[format]).join(', ')}</SummaryRow>
      <SummaryRow term="Delivery">{DELIVERY_TEXT}</SummaryRow>
    </dl>
  );
}
