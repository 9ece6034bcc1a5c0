import { describe, expect, it } from 'vitest';
import { isRange, parseRange, RANGE_LABELS, RANGES, rangeResolution, sliceSeries, type Series } from './range';

function days(count: number): Array<{ start: string; n: number }> {
  return Array.from({ length: count }, (_, index) => ({
    start: new Date(Date.UTC(2026, 0, 1) + index * 86_400_000).toISOString(),
    n: index,
  }));
}

const series: Series<{ n: number }> = {
  hourly: Array.from({ length: 24 }, (_, index) => ({
    start: new Date(Date.UTC(2026, 3, 1, index)).toISOString(),
    n: 1000 + index,
  })),
  daily: days(92),
};

describe('sliceSeries', () => {
  it('picks hourly points for 24h and the newest daily points otherwise', () => {
    expect(sliceSeries(series, '24h')).toHaveLength(24);
    expect(sliceSeries(series, '24h')[0]?.n).toBe(1000);
    expect(sliceSeries(series, '7d').map((point) => point.n)).toEqual([85, 86, 87, 88, 89, 90, 91]);
    expect(sliceSeries(series, '30d')).toHaveLength(30);
    expect(sliceSeries(series, '30d')[0]?.n).toBe(62);
    expect(sliceSeries(series, '3m')).toHaveLength(92);
  });

  it('copes with shorter series and does not change the input', () => {
    const short: Series<{ n: number }> = { hourly: [], daily: days(3) };
    expect(sliceSeries(short, '7d')).toHaveLength(3);
    expect(sliceSeries(short, '24h')).toEqual([]);
    const sliced = sliceSeries(short, '3m');
    sliced.pop();
    expect(short.daily).toHaveLength(3);
  });
});

describe('ranges', () => {
  it('has the guide’s labels in order', () => {
    expect(RANGES.map((range) => RANGE_LABELS[range])).toEqual([
      'Last 24 hours',
      'Last 7 days',
      'Last 30 days',
      'Last 3 months',
    ]);
  });

  it('parses query values with a fallback', () => {
    expect(isRange('30d')).toBe(true);
    expect(isRange('1y')).toBe(false);
    expect(parseRange('3m')).toBe('3m');
    expect(parseRange(null)).toBe('7d');
    expect(parseRange('bogus', '24h')).toBe('24h');
  });

  it('knows the resolution of each range', () => {
    expect(rangeResolution('24h')).toBe('hour');
    expect(rangeResolution('3m')).toBe('day');
  });
});
