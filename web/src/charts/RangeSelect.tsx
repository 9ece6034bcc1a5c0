import { useId } from 'react';
import { isRange, RANGE_LABELS, RANGES, type Range } from './range';

export interface RangeSelectProps {
  value: Range;
  onChange: (range: Range) => void;
  /** The visible label (default "Filter by", the guide's name). */
  label?: string;
  /** Only these ranges are offered (default all four). */
  ranges?: readonly Range[];
  disabled?: boolean;
  testId?: string;
  className?: string;
}

/** A labelled select of the time ranges: Last 24 hours, Last 7 days, Last 30 days, Last 3 months. */
export function RangeSelect({
  value,
  onChange,
  label = 'Filter by',
  ranges = RANGES,
  disabled = false,
  testId,
  className,
}: RangeSelectProps) {
  const id = useId();
  return (
    <div className={['field', 'range-select', className ?? ''].filter(Boolean).join(' ')}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="field__input field__select"
        value={value}
        disabled={disabled}
        data-testid={testId}
        onChange={(event) => {
          if (isRange(event.target.value)) onChange(event.target.value);
        }}
      >
        {ranges.map((range) => (
          <option key={range} value={range}>
            {RANGE_LABELS[range]}
          </option>
        ))}
      </select>
    </div>
  );
}
