import { useEffect, useRef } from 'react';

interface SelectAllProps {
  /** Rows that can be selected. */
  total: number;
  /** Rows selected. */
  selected: number;
  onChange: (all: boolean) => void;
  /** The check box's accessible name ("Select all alerts on this page"). */
  label: string;
  testId?: string;
}

/** A table's header check box: every row, some (shown as mixed) or none. */
export function SelectAll({ total, selected, onChange, label, testId }: SelectAllProps) {
  const ref = useRef<HTMLInputElement>(null);
  const mixed = selected > 0 && selected < total;
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = mixed;
  }, [mixed]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className="checkbox__input"
      checked={total > 0 && selected === total}
      onChange={(event) => onChange(event.target.checked)}
      aria-label={label}
      data-testid={testId}
    />
  );
}
