/** Dependency-free SVG charts and the time ranges of the telemetry pages. */
export { BarList, barFraction, type BarListItem, type BarListProps } from './BarList';
export { CHART_COLORS, type ChartSeries, type TimePoints } from './ChartParts';
export {
  DEFAULT_RANGE,
  isRange,
  parseRange,
  RANGE_LABELS,
  RANGES,
  rangeResolution,
  sliceSeries,
  type Range,
  type Resolution,
  type Series,
  type SeriesPoint,
} from './range';
export { RangeSelect, type RangeSelectProps } from './RangeSelect';
export {
  bands,
  formatBucket,
  formatBucketLong,
  formatCount,
  formatTick,
  labelIndexes,
  linearScale,
  maxStackTotal,
  maxValue,
  niceTicks,
  stack,
  sumOf,
} from './scale';
export { LineChart, StackedBarChart, timeChartSummary, type TimeChartProps } from './TimeChart';
