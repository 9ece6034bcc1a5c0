import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { Dialog } from '../components/Dialog';
import { WIZARD_STEPS } from './welcome';

/**
 * The Welcome Wizard: the tour of Home and the console, one step at a time. Back and Next
 * move between steps (focus goes to the step's heading, so it is read out), Escape or
 * Close ends it, and the last step's Finish too.
 */
export function WelcomeWizard({ onClose }: { onClose: () => void }) {
  const [index, setIndex] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const step = WIZARD_STEPS[index];
  const last = index === WIZARD_STEPS.length - 1;

  useEffect(() => {
    if (moved.current) headingRef.current?.focus();
  }, [index]);

  function go(to: number) {
    moved.current = true;
    setIndex(to);
  }

  if (!step) return null;
  return (
    <Dialog title="Welcome Wizard" onClose={onClose}>
      <div className="wizard-step" data-testid="welcome-wizard">
        <p className="muted" aria-live="polite">
          Step {index + 1} of {WIZARD_STEPS.length}
        </p>
        <h3 ref={headingRef} tabIndex={-1} className="wizard-step__title">
          {step.title}
        </h3>
        {step.text.map((paragraph) => (
          <p key={paragraph}>{paragraph}</p>
        ))}
        {step.link ? (
          <p>
            <Link to={step.link.to} onClick={onClose}>
              {step.link.label}
            </Link>
          </p>
        ) : null}
      </div>
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose}>
          Close
        </button>
        <button type="button" className="button button--secondary" onClick={() => go(index - 1)} disabled={index === 0}>
          Back
        </button>
        {last ? (
          <button type="button" className="button" onClick={onClose}>
            Finish
          </button>
        ) : (
          <button type="button" className="button" onClick={() => go(index + 1)}>
            Next
          </button>
        )}
      </div>
    </Dialog>
  );
}
