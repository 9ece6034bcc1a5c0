import { useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { APP_PAGES } from './pages';

export function AppShell() {
  const { signOut } = useAuth();
  const { user, partner } = useCurrentSession();
  const [signingOut, setSigningOut] = useState(false);

  async function handleSignOut() {
    setSigningOut(true);
    await signOut();
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="shell__header">
        <span className="brand">
          <span className="brand__mark" aria-hidden="true">
            PC
          </span>
          Partner Console
        </span>
        <div className="shell__account">
          <p className="account">
            <span className="account__name">
              {user.firstName} {user.lastName}
            </span>
            <span className="account__company">{partner.company.name}</span>
          </p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void handleSignOut()}
            disabled={signingOut}
          >
            {signingOut ? 'Signing out…' : 'Sign out'}
          </button>
        </div>
      </header>
      <div className="shell__body">
        <nav className="shell__nav" aria-label="Main">
          <ul className="nav">
            {APP_PAGES.map((page) => (
              <li key={page.path}>
                <NavLink to={page.path} end={page.path === '/'} className="nav__link">
                  {page.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="shell__main" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
