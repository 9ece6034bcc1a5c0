import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import type { MeResponse } from '../api/client';
import { AuthProvider } from '../auth/AuthProvider';
import { SignInPage } from '../pages/SignInPage';
import { SignUpPage } from '../pages/SignUpPage';
import { AppShell } from './AppShell';
import { PublicOnly, RequireAuth } from './guards';
import { APP_PAGES } from './pages';
import { PublicLayout } from './PublicLayout';

export function AppRoutes() {
  return (
    <Routes>
      <Route
        element={
          <PublicOnly>
            <PublicLayout />
          </PublicOnly>
        }
      >
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/sign-up" element={<SignUpPage />} />
      </Route>
      <Route
        element={
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        }
      >
        {APP_PAGES.map(({ path, component: Page }) => (
          <Route key={path} path={path} element={<Page />} />
        ))}
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

export function App({ initialSession }: { initialSession: Promise<MeResponse | null> }) {
  return (
    <BrowserRouter>
      <AuthProvider initialSession={initialSession}>
        <AppRoutes />
      </AuthProvider>
    </BrowserRouter>
  );
}
