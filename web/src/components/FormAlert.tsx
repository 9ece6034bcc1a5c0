import type { ReactNode } from 'react';

interface FormAlertProps {
  title: string;
  children?: ReactNode;
  tone?: 'error' | 'info' | 'success';
}

/** A message at the top of a form, announced to assistive technology when it appears. */
export function FormAlert({ title, children, tone = 'error' }: FormAlertProps) {
  return (
    <div className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <p className="alert__title">{title}</p>
      {children ? <div className="alert__body">{children}</div> : null}
    </div>
  );
}
