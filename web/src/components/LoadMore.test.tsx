import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { LoadMore } from './LoadMore';

describe('LoadMore', () => {
  it('asks for the next page when pressed', async () => {
    const onLoad = vi.fn();
    render(<LoadMore loading={false} onLoad={onLoad} testId="more" />);
    const button = screen.getByRole('button', { name: 'Load more' });
    expect(button).toHaveAttribute('data-testid', 'more');
    await userEvent.setup().click(button);
    expect(onLoad).toHaveBeenCalledTimes(1);
  });

  it('says it is loading and cannot be pressed again meanwhile', () => {
    render(<LoadMore loading onLoad={vi.fn()} label="More" />);
    expect(screen.getByRole('button', { name: 'Loading…' })).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'More' })).not.toBeInTheDocument();
  });
});
