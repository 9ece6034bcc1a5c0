/**
 * Time ranges and series as the telemetry API sends them: every series comes at two
 * resolutions (`hourly`: the last 24 hours; `daily`: the last 92 days, oldest first),
 * and the client picks the points a range shows.
 */

export type Range = '24h' | '7d' | '30d' | '3m';

/** The ranges in the order the filters offer them. */
export const RANGES: readonly Range[] = ['24h', '7d', '30d', '3m'];

/** The guide's names of the ranges ("Filter by"). */
export const RANGE_LABELS: Readonly<Record<Range, string>> = {
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  '3m': 'Last 3 months',
};

/** The API's default range; the customer profile's deployment chart defaults to `24h`. */
export const DEFAULT_RANGE: Range = '7d';

export function isRange(value: unknown): value is Range {
  return typeof value === 'string' && (RANGES as readonly string[]).includes(value);
}

/** A range from a query parameter, or the fallback when it is missing or unknown. */
export function parseRange(value: string | null | undefined, fallback: Range = DEFAULT_RANGE): Range {
  return isRange(value) ? value : fallback;
}

/** The width of one bucket of a series. */
export type Resolution = 'hour' | 'day';

/** One bucket of a series: its start (RFC 3339, UTC) and its values. */
export type SeriesPoint<T> = { start: string } & T;

/** A time series at the API's two resolutions. */
export interface Series<T> {
  hourly: ReadonlyArray<SeriesPoint<T>>;
  daily: ReadonlyArray<SeriesPoint<T>>;
}

/** How many daily points each day-based range shows (3m shows all 92). */
const DAYS: Readonly<Record<Exclude<Range, '24h'>, number | null>> = { '7d': 7, '30d': 30, '3m': null };

export function rangeResolution(range: Range): Resolution {
  return range === '24h' ? 'hour' : 'day';
}

/**
 * The points a range shows: 24h → all hourly points; 7d → the last 7 daily points;
 * 30d → the last 30; 3m → all daily points (92).
 */
export function sliceSeries<T>(series: Series<T>, range: Range): Array<SeriesPoint<T>> {
  if (range === '24h') return [...series.hourly];
  const days = DAYS[range];
  return days === null ? [...series.daily] : series.daily.slice(-days);
}
