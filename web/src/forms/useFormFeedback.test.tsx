import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { useFormFeedback } from './useFormFeedback';

function Probe({ failWith }: { failWith: 'field' | 'message' }) {
  const { fieldProps, setErrors, message, setMessage, requestFocus, formRef, alertRef } = useFormFeedback<
    { name: string; other: string },
    string
  >({ name: '', other: '' });
  const name = fieldProps('name');
  return (
    <form
      ref={formRef}
      onSubmit={(event) => {
        event.preventDefault();
        if (failWith === 'field') setErrors({ name: 'Name is required.' });
        else setMessage('Something went wrong');
        requestFocus();
      }}
    >
      {message ? (
        <div ref={alertRef} tabIndex={-1} data-testid="alert">
          {message}
        </div>
      ) : null}
      <input aria-label="other" />
      <input
        aria-label={name.name}
        aria-invalid={name.error ? 'true' : undefined}
        value={name.value}
        onChange={(event) => name.onChange(event.target.value)}
      />
      {name.error ? <p>{name.error}</p> : null}
      <button type="submit">Submit</button>
    </form>
  );
}

describe('useFormFeedback', () => {
  it('focuses the first invalid field after a failed submit, and typing clears its error', async () => {
    const user = userEvent.setup();
    render(<Probe failWith="field" />);
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect(screen.getByLabelText('name')).toHaveFocus();
    expect(screen.getByText('Name is required.')).toBeInTheDocument();
    await user.type(screen.getByLabelText('name'), 'Ada');
    expect(screen.getByLabelText('name')).toHaveValue('Ada');
    expect(screen.queryByText('Name is required.')).not.toBeInTheDocument();
    expect(screen.getByLabelText('name')).not.toHaveAttribute('aria-invalid');
  });

  it('focuses the message when no field is invalid', async () => {
    const user = userEvent.setup();
    render(<Probe failWith="message" />);
    await user.click(screen.getByRole('button', { name: 'Submit' }));
    expect(screen.getByTestId('alert')).toHaveFocus();
  });
});
