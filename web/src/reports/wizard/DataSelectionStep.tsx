import type { CustomerChoices } from '../../admin/CustomerAccessEditor';
import { RANGE_LABELS, RANGES } from '../../charts/range';
import { CustomerPicker } from '../../components/CustomerPicker';
import { CheckboxInput, DateInput, RadioGroup } from '../../customers/controls';
import { COMPUTER_SCOPE_LABELS, REPORT_BY_LABELS } from '../labels';
import type { ComputerScope, ReportBy, ReportTypeInfo } from '../types';
import type { DraftErrors, PeriodChoice, ReportDraft } from './draft';

interface DataSelectionStepProps {
  draft: ReportDraft;
  info: ReportTypeInfo;
  errors: DraftErrors;
  choices: CustomerChoices;
  today: string;
  onChange: (next: Partial<ReportDraft>, field?: keyof DraftErrors) => void;
}

const PERIOD_OPTIONS: readonly { value: PeriodChoice; label: string }[] = [
  ...RANGES.map((range) => ({ value: range, label: RANGE_LABELS[range] })),
  { value: 'days', label: 'Custom dates' },
];

/**
 * The guide's Data Selection: the time period, at least one customer, then only the
 * options the chosen report type offers.
 */
export function DataSelectionStep({ draft, info, errors, choices, today, onChange }: DataSelectionStepProps) {
  const offered = info.options;
  const anyOption = offered.computers || offered.mac || offered.reportBy || offered.activeUsers;
  return (
    <>
      <fieldset className="form__section">
        <legend className="form__legend">Time period</legend>
        <div className="form__stack">
          <RadioGroup<PeriodChoice>
            name="report.period"
            legend="The report covers"
            value={draft.period}
            onChange={(period) => onChange({ period }, 'options.period')}
            options={PERIOD_OPTIONS}
            error={draft.period === 'days' ? undefined : errors['options.period']}
            testIdPrefix="report-period"
          />
          {draft.period === 'days' ? (
            <div className="report-dates">
              <DateInput
                name="report.from"
                label="From"
                value={draft.from}
                max={today}
                onChange={(from) => onChange({ from }, 'options.period')}
                error={errors['options.period']}
                testId="report-from"
              />
              <DateInput
                name="report.to"
                label="To"
                value={draft.to}
                min={draft.from || undefined}
                onChange={(to) => onChange({ to }, 'options.period')}
                testId="report-to"
              />
            </div>
          ) : null}
        </div>
      </fieldset>

      <fieldset className="form__section" data-testid="report-customers">
        <legend className="form__legend">Customers</legend>
        <div className="form__stack">
          <CheckboxInput
            name="report.allCustomers"
            checked={draft.allCustomers}
            onChange={(allCustomers) => onChange({ allCustomers }, 'options.customers')}
            hint="Every customer you can see when the report is made."
            testId="report-all-customers"
          >
            All customers
          </CheckboxInput>
          {!draft.allCustomers ? (
            <CustomerPicker
              chosen={draft.customers}
              choices={choices}
              onChange={(customers) => onChange({ customers }, 'options.customers')}
              error={errors['options.customers']}
              noun="customers"
              idPrefix="report"
            />
          ) : null}
        </div>
      </fieldset>

      {anyOption || errors.options ? (
        <fieldset className="form__section" data-testid="report-options">
          <legend className="form__legend">Options</legend>
          <div className="form__stack">
            {offered.computers ? (
              <RadioGroup<ComputerScope>
                name="report.computers"
                legend="Computers"
                value={draft.computers}
                onChange={(computers) => onChange({ computers }, 'options')}
                options={[
                  { value: 'all', label: COMPUTER_SCOPE_LABELS.all, hint: 'Includes all computers.' },
                  {
                    value: 'active',
                    label: COMPUTER_SCOPE_LABELS.active,
                    hint: 'Excludes computers that have been deleted.',
                  },
                ]}
                testIdPrefix="report-computers"
              />
            ) : null}
            {offered.mac ? (
              <CheckboxInput
                name="report.includeMac"
                checked={draft.includeMac}
                onChange={(includeMac) => onChange({ includeMac }, 'options')}
                hint="Includes unmanaged Mac computers."
                testId="report-include-mac"
              >
                Mac computers
              </CheckboxInput>
            ) : null}
            {offered.reportBy ? (
              <RadioGroup<ReportBy>
                name="report.reportBy"
                legend="Report By"
                value={draft.reportBy}
                onChange={(reportBy) => onChange({ reportBy }, 'options')}
                options={(['computers', 'groups'] as const).map((value) => ({ value, label: REPORT_BY_LABELS[value] }))}
                testIdPrefix="report-by"
              />
            ) : null}
            {offered.activeUsers ? (
              <CheckboxInput
                name="report.activeUsersOnly"
                checked={draft.activeUsersOnly}
                onChange={(activeUsersOnly) => onChange({ activeUsersOnly }, 'options')}
                hint="Excludes users who are suspended."
                testId="report-active-users"
              >
                Active users only
              </CheckboxInput>
            ) : null}
            {errors.options ? (
              <p className="field__error" role="alert" data-testid="report-options-error">
                {errors.options}
              </p>
            ) : null}
          </div>
        </fieldset>
      ) : null}
    </>
  );
}
