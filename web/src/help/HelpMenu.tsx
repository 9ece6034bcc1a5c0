import { Link, useLocation, useNavigate } from 'react-router';
import { useCurrentSession } from '../auth/AuthContext';
import { usePopover } from '../components/usePopover';
import { WELCOME_WIZARD_STATE } from './welcome';
import { topicForPath } from './topics';

/**
 * The question mark in the banner (the guide's "Using the question mark"): help about the
 * page you are on, Support (the partner's tickets, for roles that may use them), the FAQ,
 * the welcome wizard, Feedback, and the ways to reach support.
 */
export function HelpMenu() {
  const { can } = useCurrentSession();
  const { rootProps, buttonProps, panelProps, close } = usePopover();
  const location = useLocation();
  const navigate = useNavigate();
  const topic = topicForPath(location.pathname);
  const from = { from: `${location.pathname}${location.search}` };

  function openWizard() {
    close();
    void navigate('/', { state: WELCOME_WIZARD_STATE });
  }

  return (
    <div className="account-menu help-menu" {...rootProps}>
      <button
        {...buttonProps}
        className="account-menu__button help-menu__button"
        aria-label="Help"
        title="Help"
        data-testid="help-menu"
      >
        <span aria-hidden="true">?</span>
      </button>
      <div {...panelProps} className="account-menu__panel">
        <ul className="account-menu__list">
          <li>
            <Link
              to={`/help/${topic.id}`}
              state={from}
              className="account-menu__link"
              data-testid="help-this-page"
            >
              Learn more about this page
            </Link>
          </li>
          {can.supportTickets ? (
            <li>
              <Link to="/cases" className="account-menu__link">
                Support
              </Link>
            </li>
          ) : null}
          <li>
            <Link to="/help/faq" state={from} className="account-menu__link">
              FAQ
            </Link>
          </li>
          <li>
            <button type="button" className="account-menu__link link-button" onClick={openWizard}>
              Welcome Wizard
            </button>
          </li>
          <li>
            <Link to="/feedback" className="account-menu__link" data-testid="feedback-link">
              Feedback
            </Link>
          </li>
          <li>
            <Link to="/help/contact-support" state={from} className="account-menu__link">
              Contacting Support
            </Link>
          </li>
          <li>
            <Link to="/help" state={from} className="account-menu__link">
              Help contents
            </Link>
          </li>
        </ul>
      </div>
    </div>
  );
}
