import { fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BarList, barFraction } from './BarList';
import { RangeSelect } from './RangeSelect';
import { LineChart, StackedBarChart } from './TimeChart';

const points = [
  { start: '2026-03-01T00:00:00Z', blocked: 3, quarantined: 1, total: 40 },
  { start: '2026-03-02T00:00:00Z', blocked: 0, quarantined: 2, total: 42 },
  { start: '2026-03-03T00:00:00Z', blocked: 5, quarantined: 0, total: 41 },
];

const series = [
  { key: 'blocked', label: 'Blocked' },
  { key: 'quarantined', label: 'Quarantined' },
] as const;

describe('StackedBarChart', () => {
  it('is an image with a summary, a title, a legend and a data table', () => {
    render(<StackedBarChart title="Risk detections" points={points} series={series} resolution="day" testId="chart" />);
    const image = screen.getByRole('img');
    expect(image).toHaveAccessibleName(
      'Risk detections, 3 days, Sun, 1 Mar 2026 to Tue, 3 Mar 2026. Total 11: Blocked 8, Quarantined 3.',
    );
    expect(image.querySelector('title')).toHaveTextContent('Risk detections');
    const chart = screen.getByTestId('chart');
    expect(within(chart).getByRole('list')).toHaveTextContent('BlockedQuarantined');
    // one rect per non-zero segment
    expect(image.querySelectorAll('.chart__bar')).toHaveLength(4);
    const table = within(chart).getByRole('table', { hidden: true });
    const rows = within(table).getAllByRole('row', { hidden: true });
    expect(rows.map((row) => row.textContent)).toEqual([
      'DayBlockedQuarantinedTotal',
      'Sun, 1 Mar 2026314',
      'Mon, 2 Mar 2026022',
      'Tue, 3 Mar 2026505',
    ]);
    expect(image).toHaveTextContent('3 Mar');
  });

  it('shows a tooltip on hover and steps through the buckets with the keyboard', async () => {
    const user = userEvent.setup();
    render(<StackedBarChart title="Risk detections" points={points} series={series} resolution="day" />);
    const image = screen.getByRole('img');
    const hits = image.querySelectorAll('.chart__hits rect');
    fireEvent.mouseEnter(hits[1] as Element);
    expect(document.querySelector('.chart__tooltip')).toHaveTextContent('Mon, 2 Mar 2026Blocked: 0Quarantined: 2Total: 2');

    const plot = screen.getByRole('group', { name: 'Risk detections chart' });
    fireEvent.mouseLeave(plot);
    expect(document.querySelector('.chart__tooltip')).toBeNull();
    await user.tab();
    expect(plot).toHaveFocus();
    expect(document.querySelector('[aria-live]')).toHaveTextContent('Tue, 3 Mar 2026: Blocked 5, Quarantined 0');
    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(document.querySelector('[aria-live]')).toHaveTextContent('Sun, 1 Mar 2026: Blocked 3, Quarantined 1');
    await user.keyboard('{End}');
    expect(document.querySelector('.chart__tooltip')).toHaveTextContent('Tue, 3 Mar 2026');
  });

  it('says when there is no data', () => {
    render(<StackedBarChart title="Intrusions" points={[]} series={series} resolution="hour" />);
    expect(screen.getByRole('img')).toHaveAccessibleName('Intrusions: no data for this period.');
    expect(screen.getByText('No data for this period.')).toBeInTheDocument();
  });
});

describe('LineChart', () => {
  it('summarises the first, last and highest values', () => {
    render(
      <LineChart
        title="Computers deployed"
        points={points}
        series={[{ key: 'total', label: 'Deployed' }]}
        resolution="day"
      />,
    );
    expect(screen.getByRole('img')).toHaveAccessibleName(
      'Computers deployed, 3 days, Sun, 1 Mar 2026 to Tue, 3 Mar 2026. Deployed from 40 to 41, highest 42.',
    );
    expect(screen.getByRole('img').querySelectorAll('.chart__line')).toHaveLength(1);
    expect(screen.getByRole('img').querySelectorAll('.chart__dot')).toHaveLength(3);
  });
});

describe('BarList', () => {
  it('lists labels and values with proportional bars', () => {
    render(
      <BarList
        title="Top risks"
        items={[
          { key: 'a', label: 'W32.Zeus', value: 200 },
          { key: 'b', label: 'Trojan.Gen', value: 50, detail: 'two customers' },
        ]}
      />,
    );
    const list = screen.getByRole('list', { name: 'Top risks' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((item) => item.textContent)).toEqual(['W32.Zeus200', 'Trojan.Gentwo customers50']);
    expect((items[1]?.querySelector('.bar-list__bar') as HTMLElement).style.width).toBe('25%');
  });

  it('says when empty and keeps tiny values visible', () => {
    render(<BarList title="Top" items={[]} emptyText="No intrusions." />);
    expect(screen.getByText('No intrusions.')).toBeInTheDocument();
    expect(barFraction(1, 100000)).toBe(0.01);
    expect(barFraction(0, 10)).toBe(0);
    expect(barFraction(5, 0)).toBe(0);
  });
});

describe('RangeSelect', () => {
  it('offers the four ranges and reports the choice', async () => {
    const user = userEvent.setup();
    const onChange = vi.fn();
    render(<RangeSelect value="24h" onChange={onChange} />);
    const select = screen.getByRole('combobox', { name: 'Filter by' });
    expect(within(select).getAllByRole('option').map((option) => option.textContent)).toEqual([
      'Last 24 hours',
      'Last 7 days',
      'Last 30 days',
      'Last 3 months',
    ]);
    await user.selectOptions(select, 'Last 3 months');
    expect(onChange).toHaveBeenCalledWith('3m');
  });
});
