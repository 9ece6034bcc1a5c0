import { useId, useState } from 'react';
import { Link, NavLink, Outlet } from 'react-router';
import { EmailConfirmationBanner } from './EmailConfirmationBanner';
import { useAuth, useCurrentSession } from '../auth/AuthContext';
import { usePopover } from '../components/usePopover';
import { HelpMenu } from '../help/HelpMenu';
import { allowedPages, type AppPage } from './pages';

function NavList({ pages, labelledBy }: { pages: readonly AppPage[]; labelledBy?: string }) {
  return (
    <ul className="nav" aria-labelledby={labelledBy}>
      {pages.map((page) => (
        <li key={page.path}>
          <NavLink to={page.path} end={page.path === '/'} className="nav__link">
            {page.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}

/**
 * The account name in the banner opens a menu with the user's role, "My User
 * Settings" and Case Management (for roles with support tickets), the guide's banner
 * drop-down. Escape, a click elsewhere or following a link closes it.
 */
function AccountMenu() {
  const { user, partner, roleName, can } = useCurrentSession();
  const { rootProps, buttonProps, panelProps } = usePopover();

  return (
    <div className="account-menu" {...rootProps}>
      <button {...buttonProps} className="account account-menu__button" data-testid="account-menu">
        <span className="account__name">
          {user.firstName} {user.lastName}
        </span>
        <span className="account__company">{partner.company.name}</span>
      </button>
      <div {...panelProps} className="account-menu__panel">
        <p className="account-menu__role">
          {user.email}
          <br />
          Role: {roleName}
        </p>
        <ul className="account-menu__list">
          <li>
            <Link to="/settings/me" className="account-menu__link" data-testid="my-user-settings">
              My User Settings
            </Link>
          </li>
          {can.supportTickets ? (
            <li>
              <Link to="/cases" className="account-menu__link" data-testid="case-management">
                Case Management
              </Link>
            </li>
          ) : null}
        </ul>
      </div>
    </div>
  );
}

export function AppShell() {
  const { signOut } = useAuth();
  const { can, user } = useCurrentSession();
  const [signingOut, setSigningOut] = useState(false);
  const administrationId = useId();
  const pages = allowedPages(can, user.role);
  const main = pages.filter((page) => page.section === undefined);
  const administration = pages.filter((page) => page.section === 'Administration');

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
          <HelpMenu />
          <AccountMenu />
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
          <NavList pages={main} />
          {administration.length > 0 ? (
            <>
              <h2 id={administrationId} className="nav__section">
                Administration
              </h2>
              <NavList pages={administration} labelledBy={administrationId} />
            </>
          ) : null}
        </nav>
        <main id="main" className="shell__main" tabIndex={-1}>
          <EmailConfirmationBanner />
          <Outlet />
        </main>
      </div>
    </div>
  );
}
