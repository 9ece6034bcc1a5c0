import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CompanyView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe } from '../customers/fixtures';
import { json, mockFetch, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { describeReminders, parseReminders } from './ConsentRemindersForm';
import { toSettings, validateSupport } from './MyCompanyPage';

const GET = 'GET /api/v1/company';
const SAVE = 'PUT /api/v1/company';

const company: CompanyView = {
  company: sampleMe.partner.company,
  contact: sampleMe.partner.contact,
  program: 'reseller',
  support: { supportEmail: 'help@engines.example.com' },
  language: 'en',
  consentReminders: { enabled: true, afterSendingHours: 24, beforeExpiryHours: 24, max: 2 },
  version: 3,
};

function withEtag(body: CompanyView) {
  return json(200, body, { ETag: `"${body.version}"` });
}

function saves(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === SAVE);
}

beforeEach(() => {
  tokenStore.clear();
  tokenStore.set(sampleToken);
});

describe('Administration > My Company', () => {
  it('shows the company read only and saves the support information and language with If-Match', async () => {
    const { requests } = mockFetch({
      [GET]: () => withEtag(company),
      [SAVE]: (request) => withEtag({ ...company, ...(request.body as object), version: 4 }),
    });
    const { user } = renderApp('/admin/company', sampleMe);
    expect(await screen.findByRole('heading', { name: 'My Company', level: 1 })).toBeInTheDocument();
    const info = await screen.findByTestId('company-information');
    expect(within(info).getByText('Analytical Engines Ltd')).toBeInTheDocument();
    expect(within(info).queryByRole('textbox')).not.toBeInTheDocument();
    expect(screen.getByTestId('company-support-email')).toHaveValue('help@engines.example.com');

    await user.clear(screen.getByTestId('company-support-email'));
    await user.type(screen.getByTestId('company-support-email'), 'desk@engines.example.com');
    await user.type(screen.getByTestId('company-purchase-url'), 'shop.engines.example.com');
    await user.selectOptions(screen.getByTestId('company-language'), 'de');
    await user.click(screen.getByTestId('company-save'));

    expect(await screen.findByText(/Saved\. The next emails to your customers/)).toBeInTheDocument();
    const sent = saves(requests);
    expect(sent.map((request) => request.body)).toEqual([
      {
        support: {
          purchaseUrl: 'https://shop.engines.example.com',
          supportUrl: null,
          supportEmail: 'desk@engines.example.com',
          supportPhone: null,
        },
        language: 'de',
      },
    ]);
    expect(sent[0]?.headers.get('if-match')).toBe('"3"');
  });

  it('shows the server’s field errors by their fields', async () => {
    mockFetch({
      [GET]: () => withEtag(company),
      [SAVE]: () =>
        json(422, {
          type: '/problems/validation',
          title: 'Validation failed',
          status: 422,
          detail: 'One or more fields are invalid.',
          errors: [{ field: 'support.supportEmail', message: 'is not a valid email address' }],
        }),
    });
    const { user } = renderApp('/admin/company', sampleMe);
    await user.click(await screen.findByTestId('company-save'));
    const field = screen.getByTestId('company-support-email');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(await screen.findByText('is not a valid email address')).toBeInTheDocument();
  });

  it('says another change came first (412) and reloads on request', async () => {
    let loads = 0;
    const { requests } = mockFetch({
      [GET]: () => {
        loads += 1;
        return withEtag(loads === 1 ? company : { ...company, language: 'de', version: 5 });
      },
      [SAVE]: () =>
        json(412, {
          type: '/problems/stale-version',
          title: 'Precondition failed',
          status: 412,
          detail: 'The resource changed since it was read.',
        }),
    });
    const { user } = renderApp('/admin/company', sampleMe);
    await user.click(await screen.findByTestId('company-save'));
    expect(await screen.findByText(/changed by someone else since the page was loaded/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reload' }));
    expect(await screen.findByTestId('company-language')).toHaveValue('de');
    expect(requests.filter((request) => `${request.method} ${request.path}` === GET)).toHaveLength(2);
  });

  it('checks the fields before sending, and sends nothing when they are wrong', async () => {
    const { requests } = mockFetch({ [GET]: () => withEtag(company) });
    const { user } = renderApp('/admin/company', sampleMe);
    await user.type(await screen.findByTestId('company-support-phone'), 'call us');
    await user.click(screen.getByTestId('company-save'));
    expect(await screen.findByText(/Enter a telephone number of 5 to 20 digits/)).toBeInTheDocument();
    expect(saves(requests)).toHaveLength(0);
  });

  it('saves the consent reminders with the support information as loaded, with If-Match', async () => {
    const { requests } = mockFetch({
      [GET]: () => withEtag(company),
      [SAVE]: (request) => withEtag({ ...company, ...(request.body as object), version: 4 }),
    });
    const { user } = renderApp('/admin/company', sampleMe);
    expect(await screen.findByTestId('reminders-summary')).toHaveTextContent(
      'Reminded 24 hours after sending and 24 hours before the link expires, 2 times at most per request.',
    );
    await user.clear(screen.getByTestId('reminders-after-sending'));
    await user.type(screen.getByTestId('reminders-after-sending'), '0');
    await user.clear(screen.getByTestId('reminders-max'));
    await user.type(screen.getByTestId('reminders-max'), '1');
    await user.click(screen.getByTestId('reminders-save'));

    expect(await screen.findByText(/Saved\. Every pending request follows it/)).toBeInTheDocument();
    const sent = saves(requests);
    expect(sent.map((request) => request.body)).toEqual([
      {
        support: company.support,
        language: 'en',
        consentReminders: { enabled: true, afterSendingHours: 0, beforeExpiryHours: 24, max: 1 },
      },
    ]);
    expect(sent[0]?.headers.get('if-match')).toBe('"3"');
    expect(screen.getByTestId('reminders-summary')).toHaveTextContent(
      'Reminded 24 hours before the link expires, once at most per request.',
    );

    // Off: the next save is based on the new version.
    await user.click(screen.getByTestId('reminders-enabled'));
    await user.click(screen.getByTestId('reminders-save'));
    await screen.findByText('Off: customers are not reminded.', { exact: false });
    expect(saves(requests)[1]?.headers.get('if-match')).toBe('"4"');
  });

  it('checks the reminder bounds before sending, and shows the server’s by their fields', async () => {
    const { requests } = mockFetch({
      [GET]: () => withEtag(company),
      [SAVE]: () =>
        json(422, {
          type: '/problems/validation',
          title: 'Validation failed',
          status: 422,
          detail: 'One or more fields are invalid.',
          errors: [{ field: 'consentReminders.beforeExpiryHours', message: 'must be 0 to 720 hours' }],
        }),
    });
    const { user } = renderApp('/admin/company', sampleMe);
    await user.clear(await screen.findByTestId('reminders-max'));
    await user.type(screen.getByTestId('reminders-max'), '6');
    await user.click(screen.getByTestId('reminders-save'));
    expect(await screen.findByText('Enter a number from 1 to 5.')).toBeInTheDocument();
    expect(screen.getByTestId('reminders-max')).toHaveAttribute('aria-invalid', 'true');
    expect(saves(requests)).toHaveLength(0);

    await user.clear(screen.getByTestId('reminders-max'));
    await user.type(screen.getByTestId('reminders-max'), '2');
    await user.click(screen.getByTestId('reminders-save'));
    expect(await screen.findByText('must be 0 to 720 hours')).toBeInTheDocument();
    expect(screen.getByTestId('reminders-before-expiry')).toHaveAttribute('aria-invalid', 'true');
  });

  it('is read only for a custom role', async () => {
    mockFetch({ [GET]: () => withEtag(company) });
    renderApp('/admin/company', customRoleMe);
    expect(await screen.findByTestId('company-read-only')).toBeInTheDocument();
    expect(screen.getByTestId('company-support-email')).toBeDisabled();
    expect(screen.queryByTestId('company-save')).not.toBeInTheDocument();
    expect(screen.getByTestId('reminders-max')).toBeDisabled();
    expect(screen.queryByTestId('reminders-save')).not.toBeInTheDocument();
    expect(screen.getByTestId('reminders-read-only')).toHaveTextContent(
      'Only the Partner Administrator and Administrator roles can change this.',
    );
  });
});

describe('the consent reminders form', () => {
  const form = { enabled: true, afterSendingHours: '24', beforeExpiryHours: '0', max: '2' };

  it('takes whole hours up to 720 and 1 to 5 reminders', () => {
    expect(parseReminders(form)).toEqual({
      reminders: { enabled: true, afterSendingHours: 24, beforeExpiryHours: 0, max: 2 },
    });
    const wrong = parseReminders({ ...form, afterSendingHours: '721', beforeExpiryHours: 'soon', max: '0' });
    expect('errors' in wrong ? Object.keys(wrong.errors) : []).toEqual([
      'consentReminders.afterSendingHours',
      'consentReminders.beforeExpiryHours',
      'consentReminders.max',
    ]);
  });

  it('says when customers are reminded', () => {
    const on = { enabled: true, afterSendingHours: 24, beforeExpiryHours: 0, max: 3 };
    expect(describeReminders(on)).toBe('Reminded 24 hours after sending, 3 times at most per request.');
    expect(describeReminders({ ...on, enabled: false })).toBe('Off: customers are not reminded.');
    expect(describeReminders({ ...on, afterSendingHours: 0 })).toMatch(/no reminder time/);
  });
});

describe('the support form', () => {
  const blank = { purchaseUrl: '', supportUrl: '', supportEmail: '', supportPhone: '', language: 'en' as const };

  it('takes every field as optional', () => {
    expect(validateSupport(blank)).toEqual({});
    expect(toSettings(blank).support).toEqual({
      purchaseUrl: null,
      supportUrl: null,
      supportEmail: null,
      supportPhone: null,
    });
  });

  it('names each invalid field by its API path', () => {
    expect(
      Object.keys(
        validateSupport({ ...blank, purchaseUrl: 'ftp://x', supportEmail: 'nobody', supportPhone: '12' }),
      ),
    ).toEqual(['support.purchaseUrl', 'support.supportEmail', 'support.supportPhone']);
  });
});
