import { screen } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { tokenStore } from '../auth/tokenStore';
import { json, mockFetch, problem } from '../test/fetchMock';
import { renderApp } from '../test/renderApp';

const SECRET = 'Zr4m8Q1wX3eT5yU7iO9pA2sD4fG6hJ8kL0zX2cV4bN6';
const VERIFY = 'POST /api/v1/auth/verify-email';

beforeEach(() => {
  tokenStore.clear();
});

describe('Confirm your email page', () => {
  it('confirms the sign-up email from the link', async () => {
    const { requests } = mockFetch({
      [VERIFY]: () => json(200, { email: 'ada@example.com', company: 'Analytical Engines Ltd' }),
    });
    renderApp(`/verify-email#token=${SECRET}`);
    expect(await screen.findByTestId('verify-confirmed')).toHaveTextContent(
      'ada@example.com is confirmed for Analytical Engines Ltd.',
    );
    expect(requests[0]?.body).toEqual({ token: SECRET });
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('says when the link has expired', async () => {
    mockFetch({
      [VERIFY]: () => problem(410, { title: 'Gone', type: '/problems/link-expired', detail: 'This link has expired. Sign in and send a new one.' }),
    });
    renderApp(`/verify-email#token=${SECRET}`);
    expect(await screen.findByText('This link has expired')).toBeInTheDocument();
    expect(screen.getByText('This link has expired. Sign in and send a new one.')).toBeInTheDocument();
  });
});
