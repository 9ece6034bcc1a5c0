import type { Resolution } from './range';

/**
 * Pure helpers of the charts: round axis ticks, scales, stacking, which bucket labels
 * fit, and label formatting.
 */

/**
 * Round ticks from 0 to at least `max`, about `target` intervals: steps of 1, 2, 2.5
 * or 5 times a power of ten (2.5 only when `integer` is false or the step is ≥ 10).
 * A max of 0 (no data) still gives an axis: 0 and 1.
 */
export function niceTicks(max: number, target = 4, integer = true): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 0;
  if (top === 0) return [0, 1];
  const raw = top / Math.max(1, target);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  const factors = [1, 2, 2.5, 5, 10].filter((factor) => !integer || Number.isInteger(factor * magnitude));
  const factor = factors.find((candidate) => candidate >= normalized - 1e-9) ?? 10;
  let step = factor * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const count = Math.ceil(top / step - 1e-9);
  const ticks: number[] = [];
  for (let index = 0; index <= count; index += 1) ticks.push(roundTo(index * step, step));
  return ticks;
}

/** Removes floating-point noise such as 0.30000000000000004. */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(decimals));
}

/** A linear scale from [0, domainMax] onto [rangeStart, rangeEnd] (pixels; rangeEnd may be smaller). */
export function linearScale(domainMax: number, rangeStart: number, rangeEnd: number): (value: number) => number {
  const span = domainMax > 0 ? domainMax : 1;
  return (value) => rangeStart + ((rangeEnd - rangeStart) * value) / span;
}

/** The horizontal layout of `count` equal buckets across `width` pixels. */
export interface Bands {
  /** The width of one bucket. */
  step: number;
  /** The width of a bar inside its bucket. */
  bandwidth: number;
  /** The left edge of a bucket's bar. */
  x: (index: number) => number;
  /** The centre of a bucket. */
  center: (index: number) => number;
}

export function bands(count: number, width: number, padding = 0.2): Bands {
  const step = count > 0 ? width / count : width;
  const gap = Math.min(step * padding, 8);
  const bandwidth = Math.max(1, step - gap);
  return {
    step,
    bandwidth,
    x: (index) => index * step + (step - bandwidth) / 2,
    center: (index) => index * step + step / 2,
  };
}

/** One segment of a stacked bar: from `y0` to `y1` in data units. */
export interface StackSegment<K extends string> {
  key: K;
  value: number;
  y0: number;
  y1: number;
}

/** Stacks each point's values in the order of `keys`; negative or missing values count as 0. */
export function stack<K extends string>(
  points: ReadonlyArray<Readonly<Record<K, number>>>,
  keys: readonly K[],
): StackSegment<K>[][] {
  return points.map((point) => {
    let total = 0;
    return keys.map((key) => {
      const value = clean(point[key]);
      const segment = { key, value, y0: total, y1: total + value };
      total += value;
      return segment;
    });
  });
}

function clean(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/** The largest stacked total of the points. */
export function maxStackTotal<K extends string>(
  points: ReadonlyArray<Readonly<Record<K, number>>>,
  keys: readonly K[],
): number {
  return points.reduce((max, point) => Math.max(max, keys.reduce((sum, key) => sum + clean(point[key]), 0)), 0);
}

/** The largest single value of the given keys over the points. */
export function maxValue<K extends string>(
  points: ReadonlyArray<Readonly<Record<K, number>>>,
  keys: readonly K[],
): number {
  return points.reduce((max, point) => Math.max(max, ...keys.map((key) => clean(point[key]))), 0);
}

/** The sum of one key over the points. */
export function sumOf<K extends string>(points: ReadonlyArray<Readonly<Record<K, number>>>, key: K): number {
  return points.reduce((sum, point) => sum + clean(point[key]), 0);
}

/** Label steps that read well: every 1, 2, 3, 4, 6 or 12 hours; every 1, 2, 7, 14 or 28 days. */
const LABEL_STEPS: Readonly<Record<Resolution, readonly number[]>> = {
  hour: [1, 2, 3, 4, 6, 12, 24],
  day: [1, 2, 7, 14, 28, 56, 91],
};

/**
 * The indexes of the buckets whose start is written under the axis: no more than
 * `maxLabels`, evenly spaced, counted back from the newest bucket so it is always labelled.
 */
export function labelIndexes(count: number, maxLabels: number, resolution: Resolution): number[] {
  if (count <= 0) return [];
  const fit = Math.max(1, Math.floor(maxLabels));
  const steps = LABEL_STEPS[resolution];
  const step = steps.find((candidate) => Math.ceil(count / candidate) <= fit) ?? Math.ceil(count / fit);
  const indexes: number[] = [];
  for (let index = count - 1; index >= 0; index -= step) indexes.unshift(index);
  return indexes;
}

/**
 * A bucket's start for the axis: hours as "14:00" in the user's time zone, days as
 * "3 Mar" on the UTC calendar (the API's days start at 00:00 UTC). `timeZone` overrides
 * the zone (tests pass 'UTC').
 */
export function formatBucket(start: string, resolution: Resolution, timeZone?: string): string {
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) return start;
  const zone = timeZone ?? (resolution === 'day' ? 'UTC' : undefined);
  const options: Intl.DateTimeFormatOptions =
    resolution === 'hour'
      ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { day: 'numeric', month: 'short' };
  if (zone !== undefined) options.timeZone = zone;
  return new Intl.DateTimeFormat('en-GB', options).format(date);
}

/** A bucket's start in full, for tooltips and the data table ("Tue 3 Mar, 14:00" or "Tue 3 Mar 2026"). */
export function formatBucketLong(start: string, resolution: Resolution, timeZone?: string): string {
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) return start;
  const zone = timeZone ?? (resolution === 'day' ? 'UTC' : undefined);
  const options: Intl.DateTimeFormatOptions =
    resolution === 'hour'
      ? { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
  if (zone !== undefined) options.timeZone = zone;
  return new Intl.DateTimeFormat('en-GB', options).format(date);
}

const compactFormat = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const countFormat = new Intl.NumberFormat();

/** An axis tick: 950, 1.2K, 3M. */
export function formatTick(value: number): string {
  return Math.abs(value) < 1000 ? String(value) : compactFormat.format(value);
}

/** A count in full, in the user's locale. */
export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** The width a label of `characters` characters takes at the axis font (about 7 px a character). */
export function labelWidth(characters: number): number {
  return characters * 7 + 12;
}
