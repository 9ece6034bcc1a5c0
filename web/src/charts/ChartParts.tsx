import { useId, type ReactNode } from 'react';
import type { Resolution, SeriesPoint } from './range';
import { formatBucketLong, formatCount } from './scale';

/** A named series of a chart: `key` is the point's field; `color` any CSS color (a custom property by default). */
export interface ChartSeries<K extends string> {
  key: K;
  label: string;
  color?: string;
}

/** The default colors, in order (custom properties of styles.css, at least 3:1 against the surface). */
export const CHART_COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)'];

export function seriesColor<K extends string>(series: ChartSeries<K>, index: number): string {
  return series.color ?? CHART_COLORS[index % CHART_COLORS.length] ?? 'currentColor';
}

export type TimePoints<K extends string> = ReadonlyArray<SeriesPoint<Readonly<Record<K, number>>>>;

export function Legend<K extends string>({ series }: { series: ReadonlyArray<ChartSeries<K>> }) {
  return (
    <ul className="chart__legend">
      {series.map((item, index) => (
        <li key={item.key} className="chart__legend-item">
          <span className="chart__swatch" style={{ background: seriesColor(item, index) }} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/** The chart's numbers as a table, behind a "Show data table" toggle. */
export function DataTable<K extends string>({
  caption,
  points,
  series,
  resolution,
  total,
  timeZone,
}: {
  caption: string;
  points: TimePoints<K>;
  series: ReadonlyArray<ChartSeries<K>>;
  resolution: Resolution;
  total: boolean;
  timeZone?: string | undefined;
}) {
  return (
    <details className="chart__data">
      <summary>Show data table</summary>
      <div className="table-scroll">
        <table className="table table--compact">
          <caption className="visually-hidden">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{resolution === 'hour' ? 'Hour' : 'Day'}</th>
              {series.map((item) => (
                <th scope="col" key={item.key} className="table__number">
                  {item.label}
                </th>
              ))}
              {total ? (
                <th scope="col" className="table__number">
                  Total
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={point.start}>
                <th scope="row">
                  <time dateTime={point.start}>{formatBucketLong(point.start, resolution, timeZone)}</time>
                </th>
                {series.map((item) => (
                  <td key={item.key} className="table__number">
                    {formatCount(point[item.key])}
                  </td>
                ))}
                {total ? (
                  <td className="table__number">
                    {formatCount(series.reduce((sum, item) => sum + point[item.key], 0))}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export function Tooltip<K extends string>({
  point,
  series,
  resolution,
  leftPercent,
  total,
  timeZone,
}: {
  point: SeriesPoint<Readonly<Record<K, number>>>;
  series: ReadonlyArray<ChartSeries<K>>;
  resolution: Resolution;
  leftPercent: number;
  total: boolean;
  timeZone?: string | undefined;
}) {
  const placement = leftPercent > 60 ? 'chart__tooltip--left' : 'chart__tooltip--right';
  return (
    <div className={`chart__tooltip ${placement}`} style={{ left: `${leftPercent}%` }} aria-hidden="true">
      <p className="chart__tooltip-title">{formatBucketLong(point.start, resolution, timeZone)}</p>
      <ul className="chart__tooltip-list">
        {series.map((item, index) => (
          <li key={item.key}>
            <span className="chart__swatch" style={{ background: seriesColor(item, index) }} />
            {item.label}: <strong>{formatCount(point[item.key])}</strong>
          </li>
        ))}
        {total ? (
          <li>
            Total: <strong>{formatCount(series.reduce((sum, item) => sum + point[item.key], 0))}</strong>
          </li>
        ) : null}
      </ul>
    </div>
  );
}

/** What a bucket's values say, for the live region when stepping through the chart. */
export function pointText<K extends string>(
  point: SeriesPoint<Readonly<Record<K, number>>>,
  series: ReadonlyArray<ChartSeries<K>>,
  resolution: Resolution,
  timeZone?: string,
): string {
  const values = series.map((item) => `${item.label} ${formatCount(point[item.key])}`).join(', ');
  return `${formatBucketLong(point.start, resolution, timeZone)}: ${values}`;
}

/** The frame every chart shares: an optional visible title, the plot and what follows it. */
export function ChartFrame({
  title,
  showTitle,
  testId,
  children,
}: {
  title: string;
  showTitle: boolean;
  testId?: string | undefined;
  children: (ids: { titleId: string; hintId: string }) => ReactNode;
}) {
  const titleId = useId();
  const hintId = useId();
  return (
    <figure className="chart" data-testid={testId} aria-labelledby={showTitle ? titleId : undefined}>
      {showTitle ? (
        <figcaption id={titleId} className="chart__title">
          {title}
        </figcaption>
      ) : null}
      {children({ titleId, hintId })}
    </figure>
  );
}
