import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import type { Restored } from '../auth/session';
import { AppRoutes } from '../app/App';
import { AuthProvider } from '../auth/AuthProvider';

/** Renders the application's routes at a path, with a given restored session. */
export function renderApp(path: string, initialSession: Restored = null) {
  const user = userEvent.setup();
  const view = render(
    <MemoryRouter initialEntries={[path]}>
      <AuthProvider initialSession={Promise.resolve(initialSession)}>
        <AppRoutes />
      </AuthProvider>
    </MemoryRouter>,
  );
  return { user, ...view };
}
