import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ApiResult } from '../auth/session';
import { ConfirmDialog } from './ConfirmDialog';

function renderDialog(run: () => Promise<ApiResult<string>>, extra: { goneIsDone?: boolean; onReload?: () => void } = {}) {
  const onDone = vi.fn();
  const onClose = vi.fn();
  render(
    <ConfirmDialog
      title="Remove the widget?"
      keepLabel="Keep widget"
      confirmLabel="Remove"
      busyLabel="Removing…"
      confirmTestId="confirm"
      run={run}
      failureTitle="The widget could not be removed"
      onDone={onDone}
      onClose={onClose}
      reloadLabel="Reload the widget"
      {...extra}
    >
      <p>It goes for good.</p>
    </ConfirmDialog>,
  );
  return { onDone, onClose, user: userEvent.setup() };
}

const refused = (status: number, detail: string): ApiResult<string> => ({
  ok: false,
  problem: { type: 'about:blank', title: 'Refused', status, detail },
});

describe('ConfirmDialog', () => {
  it('sends the request once while it runs and hands its answer on', async () => {
    let answer: (result: ApiResult<string>) => void = () => undefined;
    const run = vi.fn(() => new Promise<ApiResult<string>>((resolve) => (answer = resolve)));
    const { onDone, onClose, user } = renderDialog(run);
    const dialog = screen.getByRole('dialog', { name: 'Remove the widget?' });
    expect(dialog).toHaveTextContent('It goes for good.');

    await user.click(within(dialog).getByTestId('confirm'));
    expect(within(dialog).getByTestId('confirm')).toHaveTextContent('Removing…');
    expect(within(dialog).getByTestId('confirm')).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Keep widget' })).toBeDisabled();
    await user.keyboard('{Escape}');
    expect(onClose).not.toHaveBeenCalled();

    answer({ ok: true, data: 'gone' });
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith('gone'));
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('shows a failure in place, focused, and keeps the dialog open', async () => {
    const { onDone, user } = renderDialog(() => Promise.resolve(refused(404, 'No such widget.')));
    await user.click(screen.getByTestId('confirm'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The widget could not be removed');
    expect(alert).toHaveTextContent('No such widget.');
    expect(alert.closest('[tabindex="-1"]')).toHaveFocus();
    expect(onDone).not.toHaveBeenCalled();
    expect(screen.getByTestId('confirm')).toBeEnabled();
  });

  it('takes a 404 as done when the object being removed may be gone already', async () => {
    const { onDone, user } = renderDialog(() => Promise.resolve(refused(404, 'No such widget.')), { goneIsDone: true });
    await user.click(screen.getByTestId('confirm'));
    await vi.waitFor(() => expect(onDone).toHaveBeenCalledWith(null));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('offers a reload when the object changed since it was loaded', async () => {
    const onReload = vi.fn();
    const { user } = renderDialog(() => Promise.resolve(refused(412, 'Stale.')), { onReload });
    await user.click(screen.getByTestId('confirm'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('changed by someone else');
    await user.click(within(alert).getByRole('button', { name: 'Reload the widget' }));
    expect(onReload).toHaveBeenCalledTimes(1);
  });
});
