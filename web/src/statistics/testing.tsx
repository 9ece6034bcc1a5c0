import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import type { MeResponse } from '../api/client';
import { AppRoutes } from '../app/App';
import { AuthProvider } from '../auth/AuthProvider';
import { tokenStore } from '../auth/tokenStore';
import { sampleToken } from '../test/fetchMock';

function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}${location.hash}`}</output>;
}

/** Renders the app at a path, signed in, with the current address shown in a `location` test id. */
export function renderAt(path: string, me: MeResponse) {
  tokenStore.set(sampleToken);
  const user = userEvent.setup();
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider initialSession={Promise.resolve(me)}>
        <AppRoutes />
        <LocationProbe />
      </AuthProvider>
    </MemoryRouter>,
  );
  return { user, ...view };
}

/** A saved blob's text: from a fetch answer (Node's Blob) or built by the page (jsdom's, without `text()`). */
export function blobText(blob: Blob | undefined): Promise<string> {
  if (blob && typeof (blob as Partial<Blob>).text === 'function') return blob.text();
  return new Promise((resolve, reject) => {
    if (!blob) {
      reject(new Error('No file was saved'));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result : '');
    reader.onerror = () => reject(reader.error ?? new Error('Unreadable'));
    reader.readAsText(blob);
  });
}
