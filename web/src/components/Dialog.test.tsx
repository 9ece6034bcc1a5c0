import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Dialog } from './Dialog';

function Page({ first, second }: { first: boolean; second: boolean }) {
  return (
    <>
      {first ? (
        <Dialog title="First" onClose={() => undefined}>
          <button type="button">One</button>
        </Dialog>
      ) : null}
      {second ? (
        <Dialog title="Second" onClose={() => undefined}>
          <button type="button">Two</button>
        </Dialog>
      ) : null}
    </>
  );
}

describe('Dialog', () => {
  it('keeps the page inert until the last of two dialogs closes, whichever closes first', () => {
    const { container, rerender } = render(<Page first second={false} />);
    const page = container; // the element the test renders into: a child of <body>
    expect(page).toHaveAttribute('inert');
    rerender(<Page first second />);
    rerender(<Page first={false} second />);
    expect(page).toHaveAttribute('inert');
    rerender(<Page first={false} second={false} />);
    expect(page).not.toHaveAttribute('inert');
  });

  it('leaves alone what something else made inert', () => {
    const other = document.createElement('div');
    other.setAttribute('inert', '');
    document.body.append(other);
    const { unmount } = render(<Page first second={false} />);
    unmount();
    expect(other).toHaveAttribute('inert');
    other.remove();
  });
});
