import { screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, noActivity, problem, sampleMe, sampleToken } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

const VALIDATE = 'POST /api/v1/licensing/exsp-serial/validate';
const ACTIVATE = 'POST /api/v1/licensing/exsp-serial/activate';
const ME = 'GET /api/v1/me';
const CANONICAL = 'XABCD-EFGHJ-KMNPQ-RSTVW';
const ACTIVATED_MESSAGE = 'Your ExSP serial number is active: you can now provision paid subscriptions.';

const exspMe: MeResponse = { ...sampleMe, partner: { ...sampleMe.partner, program: 'exsp', version: 2 } };

const validSerial = () => json(200, { serial: CANONICAL, kind: 'exspProgram', status: 'available' });

function renderHome(me: MeResponse = sampleMe) {
  tokenStore.set(sampleToken);
  return renderApp('/', me);
}

/** Opens the modal from Home's Quick tasks and returns it. */
async function openDialog(user: ReturnType<typeof renderHome>['user']) {
  await user.click(await screen.findByTestId('activate-serial-open'));
  return screen.getByRole('dialog', { name: 'Activate Serial Number' });
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Home: Activate Serial Number', () => {
  it('offers the quick task to a reseller, in an accessible modal', async () => {
    mockFetch(noActivity);
    const { user, container } = renderHome();
    await screen.findByTestId('activate-serial-open');
    expect(screen.getByRole('heading', { name: 'Quick Tasks' })).toBeInTheDocument();
    expect(screen.getByTestId('program-name')).toHaveTextContent(/^Reseller$/);
    const opener = screen.getByRole('button', { name: 'Activate a serial number' });

    const dialog = await openDialog(user);
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(container).toHaveAttribute('inert');
    const input = within(dialog).getByLabelText('Serial number');
    expect(input).toBe(screen.getByTestId('serial-input'));
    expect(input).toHaveFocus();
    expect(within(dialog).getByTestId('serial-activate')).toBeDisabled();

    // Tab and Shift+Tab stay inside the dialog (the disabled Activate is skipped).
    await user.tab({ shift: true });
    expect(within(dialog).getByTestId('serial-validate')).toHaveFocus();
    await user.tab();
    expect(input).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
    expect(container).not.toHaveAttribute('inert');
  });

  it('enables Activate after the serial number validates', async () => {
    const { requests } = mockFetch({ ...noActivity, [VALIDATE]: validSerial });
    const { user } = renderHome();
    const dialog = await openDialog(user);

    await user.type(within(dialog).getByTestId('serial-input'), ' xabcdefghjkmnpqrstvw ');
    await user.click(within(dialog).getByTestId('serial-validate'));

    const activate = within(dialog).getByTestId('serial-activate');
    await waitFor(() => expect(activate).toBeEnabled());
    expect(activate).toHaveFocus();
    expect(within(dialog).getByRole('status')).toHaveTextContent(`${CANONICAL} is available`);
    const validate = requests.find((request) => request.path === '/api/v1/licensing/exsp-serial/validate');
    expect(validate?.body).toEqual({ serial: 'xabcdefghjkmnpqrstvw' });
    expect(validate?.headers.get('Authorization')).toBe('Bearer access-token-1');
  });

  it('shows a 422 under the field and keeps Activate disabled', async () => {
    const message = 'is not a valid serial number — check for typos';
    mockFetch({
      ...noActivity,
      [VALIDATE]: () =>
        problem(422, { title: 'Unprocessable Entity', errors: [{ field: 'serial', message }] }),
    });
    const { user } = renderHome();
    const dialog = await openDialog(user);
    const input = within(dialog).getByTestId('serial-input');

    await user.type(input, 'XABCD-EFGHJ-KMNPQ-RSTVX');
    await user.click(within(dialog).getByTestId('serial-validate'));

    await waitFor(() => expect(input).toHaveAttribute('aria-invalid', 'true'));
    expect(input).toHaveAccessibleDescription(message);
    expect(input).toHaveFocus();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    expect(within(dialog).getByTestId('serial-activate')).toBeDisabled();
  });

  it('shows other problems as an alert', async () => {
    mockFetch({
      ...noActivity,
      [VALIDATE]: () => problem(409, { title: 'Conflict', detail: 'This serial number is already activated.' }),
    });
    const { user } = renderHome();
    const dialog = await openDialog(user);

    await user.type(within(dialog).getByTestId('serial-input'), CANONICAL);
    await user.click(within(dialog).getByTestId('serial-validate'));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This serial number cannot be activated');
    expect(alert).toHaveTextContent('This serial number is already activated.');
    expect(within(dialog).getByTestId('serial-input')).not.toHaveAttribute('aria-invalid');
    expect(within(dialog).getByTestId('serial-activate')).toBeDisabled();
  });

  it('disables Activate again when the serial number is edited after validation', async () => {
    mockFetch({ ...noActivity, [VALIDATE]: validSerial });
    const { user } = renderHome();
    const dialog = await openDialog(user);
    const input = within(dialog).getByTestId('serial-input');
    const activate = within(dialog).getByTestId('serial-activate');

    await user.type(input, CANONICAL);
    await user.click(within(dialog).getByTestId('serial-validate'));
    await waitFor(() => expect(activate).toBeEnabled());

    await user.type(input, '{Backspace}');
    expect(activate).toBeDisabled();
    expect(within(dialog).getByRole('status')).toBeEmptyDOMElement();

    // Typing the validated value back in does not count: it has to be validated again.
    await user.type(input, 'W');
    expect(activate).toBeDisabled();
  });

  it('activates the validated serial number, refreshes the account and shows ExSP', async () => {
    const { requests } = mockFetch({
      ...noActivity,
      [VALIDATE]: validSerial,
      [ACTIVATE]: () => json(200, { serial: CANONICAL, program: 'exsp', activatedAt: '2025-04-01T12:00:00Z' }),
      [ME]: () => json(200, exspMe),
    });
    const { user } = renderHome();
    const dialog = await openDialog(user);

    await user.type(within(dialog).getByTestId('serial-input'), 'xabcd efghj kmnpq rstvw');
    await user.click(within(dialog).getByTestId('serial-validate'));
    await waitFor(() => expect(within(dialog).getByTestId('serial-activate')).toBeEnabled());
    await user.click(within(dialog).getByTestId('serial-activate'));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByTestId('program-name')).toHaveTextContent(/^ExSP$/);
    expect(screen.getByText('ExSP program: active')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(ACTIVATED_MESSAGE);
    expect(screen.getByText(ACTIVATED_MESSAGE).closest('[tabindex="-1"]')).toHaveFocus();
    expect(screen.queryByTestId('activate-serial-open')).not.toBeInTheDocument();
    // Quick Tasks stay, without the serial number task.
    expect(screen.getByTestId('quick-add-customer')).toHaveAttribute('href', '/customers/new');

    const calls = requests.filter(
      (request) =>
        request.path !== '/api/v1/me/activity' &&
        request.path !== '/api/v1/report-schedules' &&
        !request.path.startsWith('/api/v1/dashboard'),
    );
    expect(calls.map((request) => `${request.method} ${request.path}`)).toEqual([VALIDATE, ACTIVATE, ME]);
    expect(calls[1]?.body).toEqual({ serial: CANONICAL });
    expect(calls[1]?.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect(calls[2]?.headers.get('Authorization')).toBe('Bearer access-token-1');
  });

  it('shows an ExSP partner its program instead of the quick task', async () => {
    mockFetch(noActivity);
    renderHome(exspMe);
    expect(await screen.findByTestId('program-name')).toHaveTextContent(/^ExSP$/);
    expect(screen.getByText('ExSP program: active')).toBeInTheDocument();
    expect(screen.queryByTestId('activate-serial-open')).not.toBeInTheDocument();
  });
});
