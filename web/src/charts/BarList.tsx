import type { ReactNode } from 'react';
import { formatCount } from './scale';

export interface BarListItem {
  /** Unique among the items. */
  key: string;
  label: string;
  value: number;
  /** Shown after the label, e.g. a Manage link or the last detection. */
  detail?: ReactNode;
}

export interface BarListProps {
  /** Names the list for assistive technology ("Top risks by detections"). */
  title: string;
  items: readonly BarListItem[];
  /** The bars' full length; the largest value by default. */
  max?: number;
  /** Formats a value (default: the count in the user's locale). */
  format?: (value: number) => string;
  /** Bar color (any CSS color; the first chart color by default). */
  color?: string;
  /** Said when there are no items. */
  emptyText?: string;
  testId?: string;
}

/** Fraction of the track a value fills, 0–1; a non-zero value always shows a sliver. */
export function barFraction(value: number, max: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.max(0.01, Math.min(1, value / max));
}

/**
 * A horizontal bar list (top-N): each item's label, its value as text and a bar
 * proportional to it. It is an ordinary list, so the values are read as text; the bars
 * are decoration.
 */
export function BarList({ title, items, max, format = formatCount, color, emptyText = 'Nothing to show.', testId }: BarListProps) {
  if (items.length === 0) {
    return (
      <p className="panel__note" data-testid={testId}>
        {emptyText}
      </p>
    );
  }
  const top = max ?? Math.max(...items.map((item) => item.value));
  return (
    <ol className="bar-list" aria-label={title} data-testid={testId}>
      {items.map((item) => (
        <li key={item.key} className="bar-list__item">
          <div className="bar-list__text">
            <span className="bar-list__label">{item.label}</span>
            {item.detail !== undefined ? <span className="bar-list__detail">{item.detail}</span> : null}
            <span className="bar-list__value">{format(item.value)}</span>
          </div>
          <div className="bar-list__track" aria-hidden="true">
            <div
              className="bar-list__bar"
              style={{ width: `${barFraction(item.value, top) * 100}%`, background: color ?? 'var(--chart-1)' }}
            />
          </div>
        </li>
      ))}
    </ol>
  );
}
