import './portal.css';
import type { ReactNode } from 'react';

interface PortalLayoutProps {
  /** A line under the brand, e.g. a Manage customer session's banner. */
  banner?: ReactNode;
  onSignOut?: (() => void) | undefined;
  signOutLabel?: string;
  children: ReactNode;
}

/** The customer's console: its own header, no partner navigation. */
export function PortalLayout({ banner, onSignOut, signOutLabel = 'Sign out', children }: PortalLayoutProps) {
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
          Endpoint Protection
        </span>
        {onSignOut ? (
          <button type="button" className="button button--secondary" onClick={onSignOut}>
            {signOutLabel}
          </button>
        ) : null}
      </header>
      {banner ? (
        <div className="banner" role="status">
          {banner}
        </div>
      ) : null}
      <main id="main" className="shell__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
