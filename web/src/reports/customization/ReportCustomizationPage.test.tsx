import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MeResponse } from '../../api/client';
import { tokenStore } from '../../auth/tokenStore';
import { administratorMe, customRoleMe } from '../../customers/fixtures';
import { renderAt } from '../../statistics/testing';
import { json, mockFetch, problem, sampleMe, type RecordedRequest } from '../../test/fetchMock';
import { brandingAnswer, brandingWithLogo, sampleBranding } from '../fixtures';
import type { Branding } from '../types';

const BRANDING = 'GET /api/v1/branding';
const SAVE = 'PUT /api/v1/branding';
const LOGO = 'PUT /api/v1/branding/logo';

async function openPage(me: MeResponse = sampleMe) {
  tokenStore.clear();
  const view = renderAt('/admin/report-customization', me);
  await screen.findByTestId('report-preview');
  return view;
}

function sent(requests: RecordedRequest[], route: string): RecordedRequest[] {
  return requests.filter((request) => `${request.method} ${request.path}` === route);
}

function pngFile(bytes: number, name = 'logo.png', type = 'image/png'): File {
  return new File([new Uint8Array(bytes)], name, { type });
}

function channels(testId: string): string[] {
  return ['r', 'g', 'b'].map((channel) => screen.getByTestId<HTMLInputElement>(`${testId}-${channel}`).value);
}

beforeEach(() => {
  tokenStore.clear();
});

describe('Report Customization', () => {
  it('keeps the colour box and the R, G and B values in step, and previews colours not saved yet', async () => {
    mockFetch({ [BRANDING]: () => brandingAnswer(sampleBranding) });
    const { user } = await openPage();

    expect(screen.getByRole('heading', { level: 1, name: 'Report Customization' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Report Customization' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByLabelText('Report Theme colour')).toHaveValue('#1f3a5f');
    expect(channels('theme-colour')).toEqual(['31', '58', '95']);
    expect(screen.getByTestId('preview-banner')).toHaveStyle({ backgroundColor: '#1f3a5f' });
    expect(screen.getByTestId('preview-company')).toHaveTextContent('Analytical Engines Ltd');

    // The colour box moves the numbers.
    fireEvent.input(screen.getByLabelText('Report Theme colour'), { target: { value: '#336699' } });
    expect(channels('theme-colour')).toEqual(['51', '102', '153']);
    expect(screen.getByTestId('theme-colour-hex')).toHaveTextContent('#336699');

    // A number moves the colour box.
    const green = screen.getByRole('spinbutton', { name: 'Report Theme green' });
    await user.clear(green);
    await user.type(green, '200');
    expect(screen.getByLabelText('Report Theme colour')).toHaveValue('#33c899');
    expect(screen.getByTestId('preview-banner')).toHaveStyle({ backgroundColor: '#33c899' });
    expect(screen.getByTestId('preview-table-header')).toHaveStyle({ backgroundColor: '#33c899' });

    // A value that is not 0 to 255 is marked and leaves the colour as it was.
    const red = screen.getByRole('spinbutton', { name: 'Report Theme red' });
    await user.clear(red);
    fireEvent.change(red, { target: { value: '300' } });
    expect(red).toHaveAttribute('aria-invalid', 'true');
    expect(red).toHaveAccessibleDescription('R, G and B are whole numbers from 0 to 255.');
    expect(screen.getByLabelText('Report Theme colour')).toHaveValue('#33c899');
    await user.tab();
    expect(channels('theme-colour')).toEqual(['51', '200', '153']);
    expect(red).not.toHaveAttribute('aria-invalid');

    // The header font colour is the banner's text colour.
    fireEvent.input(screen.getByLabelText('Header Font colour'), { target: { value: '#ffcc00' } });
    expect(channels('header-colour')).toEqual(['255', '204', '0']);
    expect(screen.getByTestId('preview-company')).toHaveStyle({ color: '#ffcc00' });
    expect(screen.getByTestId('preview-table-header')).toHaveStyle({ color: '#ffcc00' });
    expect(screen.getByTestId('branding-status')).toHaveTextContent('Not saved yet');
  });

  it('saves the colours with If-Match and takes the new version', async () => {
    const { requests } = mockFetch({
      [BRANDING]: () => brandingAnswer(sampleBranding),
      [SAVE]: (request) => brandingAnswer({ ...sampleBranding, ...(request.body as Partial<Branding>), version: 4 }),
    });
    const { user } = await openPage();
    fireEvent.input(screen.getByLabelText('Report Theme colour'), { target: { value: '#336699' } });
    await user.click(screen.getByTestId('branding-save'));
    await waitFor(() => expect(screen.getByTestId('branding-status')).toHaveTextContent('Saved.'));

    fireEvent.input(screen.getByLabelText('Header Font colour'), { target: { value: '#000000' } });
    await user.click(screen.getByTestId('branding-save'));
    await waitFor(() => expect(sent(requests, SAVE)).toHaveLength(2));
    expect(sent(requests, SAVE).map((request) => [request.headers.get('If-Match'), request.body])).toEqual([
      ['"3"', { headerColour: '#ffffff', themeColour: '#336699' }],
      ['"4"', { headerColour: '#000000', themeColour: '#336699' }],
    ]);
  });

  it('tells the user to reload when the customization changed meanwhile (412)', async () => {
    let version = 3;
    const { requests } = mockFetch({
      [BRANDING]: () => brandingAnswer({ ...sampleBranding, version }),
      [SAVE]: () => problem(412, { title: 'Precondition Failed', detail: 'The branding changed.' }),
    });
    const { user } = await openPage();
    fireEvent.input(screen.getByLabelText('Report Theme colour'), { target: { value: '#336699' } });
    await user.click(screen.getByTestId('branding-save'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The report customization could not be saved');
    expect(alert).toHaveTextContent('It was changed by someone else since the page was loaded. Reload, then try again.');
    expect(alert.closest('[tabindex="-1"]')).toHaveFocus();

    version = 7;
    await user.click(within(alert).getByRole('button', { name: 'Reload the customization' }));
    await waitFor(() => expect(sent(requests, BRANDING)).toHaveLength(2));
    await waitFor(() => expect(screen.getByLabelText('Report Theme colour')).toHaveValue('#1f3a5f'));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('uploads a logo as it is, and the preview shows it fitted to its box, with the unsaved colours kept', async () => {
    const { requests } = mockFetch({
      [BRANDING]: () => brandingAnswer(sampleBranding),
      [LOGO]: () => brandingAnswer(brandingWithLogo),
    });
    const { user } = await openPage();
    expect(screen.queryByTestId('preview-logo')).not.toBeInTheDocument();
    expect(screen.getByTestId('logo-input')).toHaveAttribute('accept', '.png,.jpg,.jpeg,.gif');
    fireEvent.input(screen.getByLabelText('Report Theme colour'), { target: { value: '#336699' } });

    await user.upload(screen.getByTestId('logo-input'), pngFile(1_000));
    const logo = await screen.findByTestId('preview-logo');
    expect(logo).toHaveAttribute('src', 'https://files.example/logo.png?sig=1');
    expect(logo).toHaveClass('report-preview__image');
    expect(screen.getByTestId('logo-current')).toHaveTextContent('300 × 150 pixels');
    expect(screen.getByTestId('logo-status')).toHaveTextContent('The logo was uploaded.');
    expect(screen.getByLabelText('Report Theme colour')).toHaveValue('#336699');

    const [upload] = sent(requests, LOGO);
    expect(upload?.headers.get('Content-Type')).toBe('image/png');
    expect(upload?.headers.get('Authorization')).toBe('Bearer access-token-1');
    expect((upload?.body as Blob | undefined)?.size).toBe(1_000);
  });

  it.each([
    [415, 'The logo must be a PNG, JPEG or GIF image.'],
    [413, 'The logo must be smaller than 200 KB; this file is 250 KB.'],
  ])('shows the server’s reason when it refuses a logo (%i)', async (status, detail) => {
    mockFetch({
      [BRANDING]: () => brandingAnswer(sampleBranding),
      [LOGO]: () => problem(status, { title: 'Refused', detail }),
    });
    const { user } = await openPage();
    await user.upload(screen.getByTestId('logo-input'), pngFile(2_000, 'logo.gif', 'image/gif'));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The logo was not accepted');
    expect(alert).toHaveTextContent(detail);
    expect(screen.queryByTestId('preview-logo')).not.toBeInTheDocument();
  });

  it('refuses a file of 200 KB or more, or of another type, without sending it', async () => {
    const { requests } = mockFetch({ [BRANDING]: () => brandingAnswer(sampleBranding) });
    const { user } = await openPage();
    await user.upload(screen.getByTestId('logo-input'), pngFile(200 * 1024));
    expect(await screen.findByRole('alert')).toHaveTextContent('The logo must be smaller than 200 KB; this file is 200 KB.');

    const input = screen.getByTestId('logo-input');
    // The file chooser offers the logo types only; a file dropped anyway is refused here too.
    fireEvent.change(input, { target: { files: [new File(['x'], 'logo.bmp', { type: 'image/bmp' })] } });
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('The logo must be a PNG, JPG, JPEG or GIF file.'));
    expect(sent(requests, LOGO)).toEqual([]);
  });

  it('removes the logo', async () => {
    const { requests } = mockFetch({
      [BRANDING]: () => brandingAnswer(brandingWithLogo),
      'DELETE /api/v1/branding/logo': () => brandingAnswer({ ...sampleBranding, version: 5 }),
    });
    const { user } = await openPage();
    expect(screen.getByTestId('preview-logo')).toBeInTheDocument();
    await user.click(screen.getByTestId('logo-remove'));
    await waitFor(() => expect(screen.queryByTestId('preview-logo')).not.toBeInTheDocument());
    expect(screen.getByTestId('logo-current')).toHaveTextContent('No logo');
    expect(sent(requests, 'DELETE /api/v1/branding/logo')).toHaveLength(1);
  });

  it('is open to the Administrator, and not to a custom role', async () => {
    mockFetch({ [BRANDING]: () => json(200, sampleBranding) });
    const { unmount } = await openPage(administratorMe);
    expect(screen.getByLabelText('Header Font colour')).toHaveValue('#ffffff');
    unmount();

    renderAt('/admin/report-customization', customRoleMe);
    expect(await screen.findByRole('heading', { name: 'Not available for your role' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Report Customization' })).not.toBeInTheDocument();
  });
});
