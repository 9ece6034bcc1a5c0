import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CompanyView } from '../api/client';
import { tokenStore } from '../auth/tokenStore';
import { customRoleMe } from '../customers/fixtures';
import { json, mockFetch, sampleMe, sampleToken, type RecordedRequest } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';
import { toSettings, validateSupport } from './MyCompanyPage';

const GET = 'GET /api/v1/company';
const SAVE = 'PUT /api/v1/company';

const company: CompanyView = {
  company: sampleMe.partner.company,
  contact: sampleMe.partner.contact,
  program: 'reseller',
  support: { supportEmail: 'help@engines.example.com' },
  language: 'en',
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

  it('is read only for a custom role', async () => {
    mockFetch({ [GET]: () => withEtag(company) });
    renderApp('/admin/company', customRoleMe);
    expect(await screen.findByTestId('company-read-only')).toBeInTheDocument();
    expect(screen.getByTestId('company-support-email')).toBeDisabled();
    expect(screen.queryByTestId('company-save')).not.toBeInTheDocument();
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
