import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useCurrentSession } from '../auth/AuthContext';
import { asksForWizard, markWelcomeSeen, welcomeSeen } from './welcome';
import { WelcomeWizard } from './WelcomeWizard';

/**
 * Home's first-run welcome: until the user takes the tour or dismisses it, a panel offers
 * the Welcome Wizard (the page stays usable: it is not a modal). The help menu's "Welcome
 * Wizard" opens the tour again at any time, by coming to Home with the router state.
 */
export function WelcomePanel() {
  const { user } = useCurrentSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [seen, setSeen] = useState(() => welcomeSeen(user.id));
  const [touring, setTouring] = useState(false);
  const asked = asksForWizard(location.state);

  function finish() {
    markWelcomeSeen(user.id);
    setSeen(true);
    setTouring(false);
    // The state that opened it goes, so a reload or Back does not open it again.
    if (asked) void navigate(`${location.pathname}${location.search}`, { replace: true, state: null });
  }

  return (
    <>
      {!seen && !touring && !asked ? (
        <section className="panel welcome-panel" aria-labelledby="welcome-panel-title" data-testid="welcome-panel">
          <div>
            <h2 id="welcome-panel-title" className="panel__title">
              New to the Partner Console?
            </h2>
            <p>A two-minute tour shows you around Home and where everything else is.</p>
          </div>
          <div className="page__actions">
            <button type="button" className="button" onClick={() => setTouring(true)}>
              Take the tour
            </button>
            <button type="button" className="button button--secondary" onClick={finish}>
              Dismiss
            </button>
          </div>
        </section>
      ) : null}
      {touring || asked ? <WelcomeWizard onClose={finish} /> : null}
    </>
  );
}
