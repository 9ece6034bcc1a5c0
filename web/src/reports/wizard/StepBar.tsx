interface StepBarProps {
  steps: readonly string[];
  current: number;
  /** Whether each step is done (its checkmark). */
  completed: readonly boolean[];
}

/** The wizard's steps across the top: a checkmark for each completed step, the current one marked. */
export function StepBar({ steps, current, completed }: StepBarProps) {
  return (
    <ol className="step-bar" aria-label="Report wizard steps" data-testid="wizard-steps">
      {steps.map((step, index) => {
        const done = completed[index] === true;
        return (
          <li
            key={step}
            className={[
              'step-bar__step',
              index === current ? 'step-bar__step--current' : '',
              done ? 'step-bar__step--done' : '',
            ]
              .filter(Boolean)
              .join(' ')}
            aria-current={index === current ? 'step' : undefined}
            data-testid="wizard-step"
            data-done={done}
          >
            <span className="step-bar__mark" aria-hidden="true">
              {done ? '✓' : index + 1}
            </span>
            <span className="step-bar__label">
              {step}
              {done ? <span className="visually-hidden"> (completed)</span> : null}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
