import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

const TABBABLE = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(',');

function tabbables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(TABBABLE)).filter(
    (element) => element.tabIndex >= 0 && !element.closest('[hidden], [inert]'),
  );
}

/**
 * How many open dialogs hold each element inert: a dialog opened over another (or closed
 * before it) takes away only what it put, so the page comes back once the last one closes.
 * Elements made inert by something else are left alone.
 */
const inertHolds = new Map<HTMLElement, number>();

function holdInert(overlay: HTMLElement): HTMLElement[] {
  const held = Array.from(document.body.children).filter(
    (element): element is HTMLElement =>
      element instanceof HTMLElement &&
      !element.contains(overlay) &&
      (inertHolds.has(element) || !element.hasAttribute('inert')),
  );
  for (const element of held) {
    inertHolds.set(element, (inertHolds.get(element) ?? 0) + 1);
    element.setAttribute('inert', '');
  }
  return held;
}

function releaseInert(held: readonly HTMLElement[]) {
  for (const element of held) {
    const count = (inertHolds.get(element) ?? 1) - 1;
    if (count > 0) {
      inertHolds.set(element, count);
    } else {
      inertHolds.delete(element);
      element.removeAttribute('inert');
    }
  }
}

interface DialogProps {
  title: string;
  /** Called on Escape; the owner closes the dialog by no longer rendering it. */
  onClose: () => void;
  /** While true (e.g. during a request that must not be abandoned), Escape does nothing. */
  closeDisabled?: boolean;
  /** Wider, for long values such as credentials and commands. */
  wide?: boolean;
  children: ReactNode;
}

/**
 * A modal dialog: labelled by its title, rendered over the page, with the rest of
 * the page inert. Focus moves to the first control inside on open, Tab and
 * Shift+Tab stay inside, Escape asks to close, and on close focus goes back to
 * the element that had it before, when that element is still on the page.
 */
export function Dialog({ title, onClose, closeDisabled = false, wide = false, children }: DialogProps) {
  const titleId = useId();
  const overlayRef = useRef<HTMLDivElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const overlay = overlayRef.current;
    const dialog = dialogRef.current;
    if (!overlay || !dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;

    // Everything else on the page is taken out of reach while the dialog is open.
    const held = holdInert(overlay);
    const overflow = document.body.style.overflow;
    document.body.style.overflow = 'hidden';

    (tabbables(dialog)[0] ?? dialog).focus();

    return () => {
      releaseInert(held);
      document.body.style.overflow = overflow;
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      event.preventDefault();
      if (!closeDisabled) onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialogRef.current) return;
    const controls = tabbables(dialogRef.current);
    const first = controls[0];
    const last = controls[controls.length - 1];
    if (!first || !last) {
      event.preventDefault();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialogRef.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialogRef.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    // A press on the backdrop must not take focus out of the dialog.
    <div
      ref={overlayRef}
      className="dialog-overlay"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) event.preventDefault();
      }}
    >
      <div
        ref={dialogRef}
        className={wide ? 'dialog dialog--wide' : 'dialog'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        onKeyDown={handleKeyDown}
      >
        <h2 id={titleId} className="dialog__title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
