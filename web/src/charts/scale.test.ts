import { describe, expect, it } from 'vitest';
import {
  bands,
  formatBucket,
  formatBucketLong,
  formatTick,
  labelIndexes,
  linearScale,
  maxStackTotal,
  maxValue,
  niceTicks,
  stack,
  sumOf,
} from './scale';

describe('niceTicks', () => {
  it('gives round integer steps from 0 to at least the maximum', () => {
    expect(niceTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(100)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1)).toEqual([0, 1]);
    expect(niceTicks(1234)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(48213, 4)).toEqual([0, 20000, 40000, 60000]);
  });

  it('never uses fractional steps for counts', () => {
    for (const max of [1, 2, 3, 5, 9, 11, 17, 23, 99, 101]) {
      const ticks = niceTicks(max);
      expect(ticks.every(Number.isInteger)).toBe(true);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
  });

  it('allows fractions when asked', () => {
    expect(niceTicks(1, 4, false)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.3, 3, false)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('still draws an axis without data', () => {
    expect(niceTicks(0)).toEqual([0, 1]);
    expect(niceTicks(Number.NaN)).toEqual([0, 1]);
    expect(niceTicks(-5)).toEqual([0, 1]);
  });
});

describe('scales and bands', () => {
  it('maps 0..max onto a pixel range, upside down for the y axis', () => {
    const y = linearScale(100, 200, 0);
    expect(y(0)).toBe(200);
    expect(y(50)).toBe(100);
    expect(y(100)).toBe(0);
    expect(linearScale(0, 10, 0)(0)).toBe(10);
  });

  it('lays out equal buckets with a gap', () => {
    const layout = bands(4, 400, 0.25);
    expect(layout.step).toBe(100);
    expect(layout.bandwidth).toBe(92);
    expect(layout.x(1)).toBe(104);
    expect(layout.center(3)).toBe(350);
  });
});

describe('stack', () => {
  const points = [
    { blocked: 3, quarantined: 1, cleaned: 0 },
    { blocked: 0, quarantined: 2, cleaned: 5 },
  ];

  it('stacks values in the order of the keys', () => {
    expect(stack(points, ['blocked', 'quarantined', 'cleaned'])).toEqual([
      [
        { key: 'blocked', value: 3, y0: 0, y1: 3 },
        { key: 'quarantined', value: 1, y0: 3, y1: 4 },
        { key: 'cleaned', value: 0, y0: 4, y1: 4 },
      ],
      [
        { key: 'blocked', value: 0, y0: 0, y1: 0 },
        { key: 'quarantined', value: 2, y0: 0, y1: 2 },
        { key: 'cleaned', value: 5, y0: 2, y1: 7 },
      ],
    ]);
  });

  it('treats negative and missing values as 0', () => {
    expect(stack([{ a: -4, b: 2 }], ['a', 'b'])[0]?.map((segment) => segment.y1)).toEqual([0, 2]);
  });

  it('finds the highest stack, the highest value and sums', () => {
    expect(maxStackTotal(points, ['blocked', 'quarantined', 'cleaned'])).toBe(7);
    expect(maxValue(points, ['blocked', 'quarantined'])).toBe(3);
    expect(sumOf(points, 'cleaned')).toBe(5);
    expect(maxStackTotal([], ['blocked'])).toBe(0);
  });
});

describe('labelIndexes', () => {
  it('labels every bucket when they fit', () => {
    expect(labelIndexes(7, 10, 'day')).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('thins 24 hours to round steps that end on the newest hour', () => {
    expect(labelIndexes(24, 8, 'hour')).toEqual([2, 5, 8, 11, 14, 17, 20, 23]);
    expect(labelIndexes(24, 5, 'hour')).toEqual([5, 11, 17, 23]);
  });

  it('thins 92 days to weeks or fortnights without overlapping', () => {
    const wide = labelIndexes(92, 14, 'day');
    expect(wide).toHaveLength(14);
    expect(wide.at(-1)).toBe(91);
    expect(wide[1]! - wide[0]!).toBe(7);
    const narrow = labelIndexes(92, 5, 'day');
    expect(narrow.length).toBeLessThanOrEqual(5);
    expect(narrow.at(-1)).toBe(91);
    expect(narrow[1]! - narrow[0]!).toBe(28);
  });

  it('falls back to an even step and copes with tiny widths', () => {
    expect(labelIndexes(30, 1, 'day')).toEqual([29]);
    expect(labelIndexes(0, 5, 'day')).toEqual([]);
    expect(labelIndexes(3, 0, 'hour')).toEqual([2]);
  });
});

describe('labels', () => {
  it('formats hours and UTC days', () => {
    expect(formatBucket('2026-03-03T14:00:00Z', 'hour', 'UTC')).toBe('14:00');
    expect(formatBucket('2026-03-03T00:00:00Z', 'day')).toBe('3 Mar');
    expect(formatBucketLong('2026-03-03T00:00:00Z', 'day')).toBe('Tue, 3 Mar 2026');
    expect(formatBucketLong('2026-03-03T14:00:00Z', 'hour', 'UTC')).toBe('Tue 3 Mar, 14:00');
    expect(formatBucket('not a date', 'day')).toBe('not a date');
  });

  it('abbreviates large ticks', () => {
    expect(formatTick(950)).toBe('950');
    expect(formatTick(1500)).toBe('1.5K');
    expect(formatTick(20000)).toBe('20K');
    expect(formatTick(3000000)).toBe('3M');
  });
});
