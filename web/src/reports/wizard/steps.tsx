import { useId, type ReactNode } from 'react';
import { TextField } from '../../components/fields';
import { FormAlert } from '../../components/FormAlert';
import { SelectInput } from '../../customers/controls';
import { RecipientsFields } from '../delivery/RecipientsFields';
import type { RecipientsDraft } from '../delivery/recipients';
import type { RecipientUsers } from '../delivery/useRecipientUsers';
import { COMPUTER_SCOPE_LABELS, FORMAT_LABELS, periodLabel, REPORT_BY_LABELS } from '../labels';
import type { ReportTypeInfo } from '../types';
import { MAX_NAME, reportRequest, type DraftErrors, type ReportDraft } from './draft';

/** Reports are listed on the Reports page; the Delivery step says so. */
export const DELIVERY_TEXT = 'Reports are listed on the Reports page, where you can open and download them.';
/** In Update Template mode the Delivery step has nothing to choose. */
export const TEMPLATE_DELIVERY_TEXT =
  'A template keeps no recipients: choose them on each scheduled report that uses it.';

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

interface SaveAsTemplateProps {
  onSave: () => void;
  busy: boolean;
  /** The name of the template this configuration was saved as, unchanged since. */
  saved: string | null;
}

/** Format Selection's "Save as template": the configuration so far, for the Report Templates tab. */
export function SaveAsTemplate({ onSave, busy, saved }: SaveAsTemplateProps) {
  return (
    <div className="template-save" data-testid="save-as-template">
      {saved !== null ? (
        <FormAlert tone="success" title={`Saved as the template “${saved}”.`}>
          <p>It is listed on the Report Templates tab, to generate again or to schedule. You can still generate this report.</p>
        </FormAlert>
      ) : null}
      <div className="template-save__action">
        <button
          type="button"
          className="button button--secondary"
          onClick={onSave}
          disabled={busy || saved !== null}
          data-testid="save-template"
        >
          {busy ? 'Saving…' : saved !== null ? 'Saved as template' : 'Save as template'}
        </button>
        <p className="field__hint">
          Saves the report type, data and formats as a template, to make the report again or to schedule it.
        </p>
      </div>
    </div>
  );
}

interface DeliveryStepProps {
  draft: ReportDraft;
  errors: DraftErrors;
  onChange: (next: Partial<RecipientsDraft>, field?: keyof DraftErrors) => void;
  choices: RecipientUsers;
  /** Update Template mode: a template keeps no recipients. */
  template: boolean;
}

/** Delivery: who receives the report by email, besides its listing on the Reports page. */
export function DeliveryStep({ draft, errors, onChange, choices, template }: DeliveryStepProps) {
  if (template) return <p data-testid="report-delivery">{TEMPLATE_DELIVERY_TEXT}</p>;
  return (
    <>
      <p data-testid="report-delivery">
        {DELIVERY_TEXT} Emailing it is optional: choose who receives it.
      </p>
      <RecipientsFields draft={draft.delivery} errors={errors} onChange={onChange} choices={choices} prefix="report" />
    </>
  );
}

/** The recipients in words: names and addresses, and how the report reaches them. */
export function RecipientsSummary({ users, emails }: { users: string[]; emails: string[] }) {
  return (
    <ul className="recipients-summary" data-testid="report-recipients">
      {users.map((name) => (
        <li key={`user:${name}`}>{name}</li>
      ))}
      {emails.map((address) => (
        <li key={`email:${address}`}>{address}</li>
      ))}
    </ul>
  );
}

export function deliveryWay(attach: boolean): string {
  return attach ? 'Emailed as an attached file' : 'Emailed as a link to the report in the console';
}

function SummaryRow({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="details__row">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

interface ConfirmationStepProps {
  draft: ReportDraft;
  info: ReportTypeInfo;
  /** A user's name from their id. */
  userName: (id: string) => string;
  template: boolean;
}

/** Confirmation: every choice, as the report will be asked for (or the template saved). */
export function ConfirmationStep({ draft, info, userName, template }: ConfirmationStepProps) {
  const request = reportRequest(draft, info);
  const { options, delivery } = request;
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
      {template ? <SummaryRow term="Delivery">{TEMPLATE_DELIVERY_TEXT}</SummaryRow> : null}
      {!template && !delivery ? <SummaryRow term="Delivery">{DELIVERY_TEXT}</SummaryRow> : null}
      {!template && delivery ? (
        <>
          <SummaryRow term="Delivery">{deliveryWay(delivery.attach ?? false)}</SummaryRow>
          <SummaryRow term="Recipients">
            <RecipientsSummary users={(delivery.users ?? []).map(userName)} emails={delivery.emails ?? []} />
          </SummaryRow>
        </>
      ) : null}
    </dl>
  );
}
