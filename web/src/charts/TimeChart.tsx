import { useState, type KeyboardEvent } from 'react';
import {
  ChartFrame,
  DataTable,
  Legend,
  pointText,
  seriesColor,
  Tooltip,
  type ChartSeries,
  type TimePoints,
} from './ChartParts';
import type { Resolution } from './range';
import {
  bands,
  formatBucket,
  formatBucketLong,
  formatCount,
  formatTick,
  labelIndexes,
  labelWidth,
  linearScale,
  maxStackTotal,
  maxValue,
  niceTicks,
  stack,
  sumOf,
} from './scale';
import { useWidth } from './useWidth';

export interface TimeChartProps<K extends string> {
  /** What the chart shows ("Risk detections"): the SVG's title and the start of its summary. */
  title: string;
  /** The buckets, oldest first (e.g. from `sliceSeries`). Extra fields are ignored. */
  points: TimePoints<K>;
  /** The series drawn, in stacking and legend order. */
  series: ReadonlyArray<ChartSeries<K>>;
  /** Hourly or daily buckets: the axis labels and the tooltip follow it. */
  resolution: Resolution;
  /** Height of the plot in pixels (default 220). */
  height?: number;
  /** Replaces the generated summary read by screen readers. */
  summary?: string;
  /** Shows the title above the chart (default false: the page's heading names it). */
  showTitle?: boolean;
  /** Hides the legend (e.g. a single series the title already names). */
  hideLegend?: boolean;
  /** Time zone of the labels (default: the user's for hours, UTC for days). */
  timeZone?: string;
  testId?: string;
}

type Kind = 'bar' | 'line';

const FALLBACK_WIDTH = 640;
const MARGIN = { top: 10, right: 12, bottom: 28 };

function rangeText(points: TimePoints<string>, resolution: Resolution, timeZone?: string): string {
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return '';
  if (first === last) return formatBucketLong(first.start, resolution, timeZone);
  return `${formatBucketLong(first.start, resolution, timeZone)} to ${formatBucketLong(last.start, resolution, timeZone)}`;
}

/** The generated summary: per series, the sum (bars) or the first and last values (lines). */
export function timeChartSummary<K extends string>(
  kind: Kind,
  title: string,
  points: TimePoints<K>,
  series: ReadonlyArray<ChartSeries<K>>,
  resolution: Resolution,
  timeZone?: string,
): string {
  if (points.length === 0) return `${title}: no data for this period.`;
  const unit = resolution === 'hour' ? 'hour' : 'day';
  const span = `${points.length} ${unit}${points.length === 1 ? '' : 's'}, ${rangeText(points, resolution, timeZone)}`;
  if (kind === 'bar') {
    const totals = series.map((item) => `${item.label} ${formatCount(sumOf(points, item.key))}`);
    const all = series.reduce((sum, item) => sum + sumOf(points, item.key), 0);
    return `${title}, ${span}. ${series.length > 1 ? `Total ${formatCount(all)}: ` : ''}${totals.join(', ')}.`;
  }
  const values = series.map((item) => {
    const first = points[0]?.[item.key] ?? 0;
    const last = points.at(-1)?.[item.key] ?? 0;
    const peak = maxValue(points, [item.key]);
    return `${item.label} from ${formatCount(first)} to ${formatCount(last)}, highest ${formatCount(peak)}`;
  });
  return `${title}, ${span}. ${values.join('; ')}.`;
}

function TimeChart<K extends string>({
  kind,
  title,
  points,
  series,
  resolution,
  height = 220,
  summary,
  showTitle = false,
  hideLegend = false,
  timeZone,
  testId,
}: TimeChartProps<K> & { kind: Kind }) {
  const { ref, width } = useWidth<HTMLDivElement>(FALLBACK_WIDTH);
  const [active, setActive] = useState<number | null>(null);
  const [focused, setFocused] = useState(false);
  const keys = series.map((item) => item.key);
  const count = points.length;

  const max = kind === 'bar' ? maxStackTotal(points, keys) : maxValue(points, keys);
  const ticks = niceTicks(max, height < 160 ? 3 : 4);
  const top = ticks.at(-1) ?? 1;
  const left = Math.max(...ticks.map((tick) => labelWidth(formatTick(tick).length))) - 4;
  const plotWidth = Math.max(40, width - left - MARGIN.right);
  const plotBottom = height - MARGIN.bottom;
  const y = linearScale(top, plotBottom, MARGIN.top);
  const layout = bands(count, plotWidth, kind === 'bar' ? 0.25 : 0);
  const labelText = resolution === 'hour' ? '00:00' : '30 Sep';
  const labels = labelIndexes(count, plotWidth / (labelWidth(labelText.length) + 8), resolution);
  const stacks = kind === 'bar' ? stack(points, keys) : [];
  const described = summary ?? timeChartSummary(kind, title, points, series, resolution, timeZone);
  const activePoint = active === null ? undefined : points[active];

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (count === 0) return;
    const current = active ?? count - 1;
    const next =
      event.key === 'ArrowLeft'
        ? Math.max(0, current - 1)
        : event.key === 'ArrowRight'
          ? Math.min(count - 1, current + 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? count - 1
              : null;
    if (event.key === 'Escape') setActive(null);
    if (next === null) return;
    event.preventDefault();
    setActive(next);
  }

  function linePath(key: K): string {
    return points
      .map((point, index) => `${index === 0 ? 'M' : 'L'}${round(left + layout.center(index))},${round(y(point[key]))}`)
      .join('');
  }

  return (
    <ChartFrame title={title} showTitle={showTitle} testId={testId}>
      {({ hintId }) => (
        <>
          {!hideLegend ? <Legend series={series} /> : null}
          <div
            ref={ref}
            className="chart__plot"
            role="group"
            aria-label={`${title} chart`}
            aria-describedby={count > 0 ? hintId : undefined}
            tabIndex={count > 0 ? 0 : undefined}
            onKeyDown={onKeyDown}
            onFocus={() => {
              setFocused(true);
              setActive((value) => value ?? (count > 0 ? count - 1 : null));
            }}
            onBlur={() => {
              setFocused(false);
              setActive(null);
            }}
            onMouseLeave={() => {
              if (!focused) setActive(null);
            }}
          >
            <svg
              className="chart__svg"
              role="img"
              aria-label={described}
              viewBox={`0 0 ${width} ${height}`}
              width="100%"
              height={height}
            >
              <title>{title}</title>
              <g className="chart__grid" aria-hidden="true">
                {ticks.map((tick) => (
                  <g key={tick}>
                    <line x1={left} x2={left + plotWidth} y1={round(y(tick))} y2={round(y(tick))} />
                    <text x={left - 6} y={round(y(tick))} dy="0.32em" textAnchor="end" className="chart__tick">
                      {formatTick(tick)}
                    </text>
                  </g>
                ))}
              </g>
              {activePoint !== undefined && active !== null ? (
                kind === 'bar' ? (
                  <rect
                    className="chart__highlight"
                    x={round(left + active * layout.step)}
                    y={MARGIN.top}
                    width={round(layout.step)}
                    height={plotBottom - MARGIN.top}
                  />
                ) : (
                  <line
                    className="chart__cursor"
                    x1={round(left + layout.center(active))}
                    x2={round(left + layout.center(active))}
                    y1={MARGIN.top}
                    y2={plotBottom}
                  />
                )
              ) : null}
              {kind === 'bar'
                ? stacks.map((segments, index) => (
                    <g key={points[index]?.start ?? index}>
                      {segments
                        .filter((segment) => segment.value > 0)
                        .map((segment) => {
                          const seriesIndex = keys.indexOf(segment.key);
                          const item = series[seriesIndex];
                          return (
                            <rect
                              key={segment.key}
                              className="chart__bar"
                              x={round(left + layout.x(index))}
                              y={round(y(segment.y1))}
                              width={round(layout.bandwidth)}
                              height={Math.max(0.5, round(y(segment.y0) - y(segment.y1)))}
                              style={{ fill: item ? seriesColor(item, seriesIndex) : undefined }}
                            />
                          );
                        })}
                    </g>
                  ))
                : series.map((item, index) => (
                    <g key={item.key} style={{ color: seriesColor(item, index) }}>
                      {index === 0 && count > 1 ? (
                        <path
                          className="chart__area"
                          d={`${linePath(item.key)}L${round(left + layout.center(count - 1))},${plotBottom}L${round(left + layout.center(0))},${plotBottom}Z`}
                        />
                      ) : null}
                      <path className="chart__line" d={linePath(item.key)} />
                      {points.map((point, pointIndex) =>
                        count <= 31 || pointIndex === active ? (
                          <circle
                            key={point.start}
                            className="chart__dot"
                            cx={round(left + layout.center(pointIndex))}
                            cy={round(y(point[item.key]))}
                            r={pointIndex === active ? 4 : 2.5}
                          />
                        ) : null,
                      )}
                    </g>
                  ))}
              <line className="chart__axis" x1={left} x2={left + plotWidth} y1={plotBottom} y2={plotBottom} />
              <g aria-hidden="true">
                {labels.map((index) => {
                  const point = points[index];
                  if (!point) return null;
                  const text = formatBucket(point.start, resolution, timeZone);
                  const half = labelWidth(text.length) / 2 - 6;
                  const center = left + layout.center(index);
                  const anchor = center - half < 0 ? 'start' : center + half > width ? 'end' : 'middle';
                  const x = anchor === 'start' ? 0 : anchor === 'end' ? width : center;
                  return (
                    <text key={point.start} x={round(x)} y={plotBottom + 18} textAnchor={anchor} className="chart__tick">
                      {text}
                    </text>
                  );
                })}
              </g>
              <g className="chart__hits">
                {points.map((point, index) => (
                  <rect
                    key={point.start}
                    x={round(left + index * layout.step)}
                    y={MARGIN.top}
                    width={round(layout.step)}
                    height={plotBottom - MARGIN.top}
                    onMouseEnter={() => setActive(index)}
                  />
                ))}
              </g>
            </svg>
            {activePoint !== undefined && active !== null ? (
              <Tooltip
                point={activePoint}
                series={series}
                resolution={resolution}
                leftPercent={((left + layout.center(active)) / width) * 100}
                total={kind === 'bar' && series.length > 1}
                timeZone={timeZone}
              />
            ) : null}
            {count === 0 ? <p className="chart__empty">No data for this period.</p> : null}
          </div>
          <p id={hintId} className="visually-hidden">
            Use the left and right arrow keys to read each {resolution === 'hour' ? 'hour' : 'day'}’s values.
          </p>
          <p className="visually-hidden" aria-live="polite">
            {focused && activePoint !== undefined ? pointText(activePoint, series, resolution, timeZone) : ''}
          </p>
          {count > 0 ? (
            <DataTable
              caption={title}
              points={points}
              series={series}
              resolution={resolution}
              total={kind === 'bar' && series.length > 1}
              timeZone={timeZone}
            />
          ) : null}
        </>
      )}
    </ChartFrame>
  );
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** Stacked bars over time: one bar per bucket, one segment per series. */
export function StackedBarChart<K extends string>(props: TimeChartProps<K>) {
  return <TimeChart kind="bar" {...props} />;
}

/** Lines over time (the first series with a filled area), e.g. computers deployed. */
export function LineChart<K extends string>(props: TimeChartProps<K>) {
  return <TimeChart kind="line" {...props} />;
}
