import { useEffect, useId, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import type { CustomerRow } from '../api/client';
import { alertCountLabel } from '../alerts/labels';
import { formatNumber, statusLabel } from './labels';

/** What the pop-up's action buttons ask the page to do with the customer. */
export type RowAction = 'activate' | 'manage' | 'remove';

interface CustomerPopupProps {
  row: CustomerRow;
  /** The action being started for this customer (its profile loading), if any. */
  busy: RowAction | null;
  /** An action is going (this row's or another's, or one on several customers): none starts. */
  disabled: boolean;
  onAction: (action: RowAction, row: CustomerRow) => void;
}

/** "Manage Customer" opens the customer's console only for partner- and co-managed customers. */
export function partnerMayManage(row: Pick<CustomerRow, 'management'>): boolean {
  return row.management === 'partnerManaged' || row.management === 'coManaged';
}

/** Space kept between the pop-up and the window's edges, in pixels. */
const MARGIN = 8;

/**
 * Where the pop-up goes in the window: under the customer's name (its left edge and the
 * bottom of the name and its button), or above when there is no room below, and never
 * past the right edge. It is positioned in the window (fixed), so the list's horizontal
 * scrolling does not clip it.
 */
export function popupPosition(
  button: { top: number; bottom: number; left: number },
  panel: { width: number; height: number },
  window: { width: number; height: number },
): { top: number; left: number } {
  const below = button.bottom + panel.height + MARGIN <= window.height || button.top - panel.height - MARGIN < 0;
  const left = Math.max(MARGIN, Math.min(button.left, window.width - panel.width - MARGIN));
  // Touching the name, so that the pointer can move down onto it without leaving the name.
  return { top: below ? button.bottom : button.top - panel.height, left };
}

function openAlerts(row: CustomerRow): string {
  const error = row.alerts.error ?? 0;
  const warning = row.alerts.warning ?? 0;
  const parts = [error > 0 ? alertCountLabel('error', error) : '', warning > 0 ? alertCountLabel('warning', warning) : ''];
  const text = parts.filter(Boolean).join(', ');
  return text === '' ? 'None' : text;
}

/**
 * The customer's name in the list (a link to its profile, as the guide has it) and, beside
 * it, the guide's pop-up: the customer's summary and what the user may do with it. It
 * follows WAI-ARIA's disclosure pattern: a button with `aria-expanded` shows the panel
 * right after it, so Tab goes on into the panel's actions. Escape closes it and gives
 * focus back to the button; so does choosing an action. Moving the pointer over the name
 * shows it too, until the pointer leaves.
 */
export function CustomerPopup({ row, busy, disabled, onAction }: CustomerPopupProps) {
  const [open, setOpen] = useState<'hover' | 'pinned' | null>(null);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);
  const { mayManage, mayRemove } = row.yourAccess;
  const shown = open !== null;

  // Placed before it is painted, and again when the page scrolls or the window changes size.
  useLayoutEffect(() => {
    if (!shown) return;
    function place() {
      const button = rootRef.current?.getBoundingClientRect();
      const panel = panelRef.current;
      if (!button || !panel) return;
      setPosition(
        popupPosition(button, { width: panel.offsetWidth, height: panel.offsetHeight }, { width: window.innerWidth, height: window.innerHeight }),
      );
    }
    place();
    window.addEventListener('scroll', place, true);
    window.addEventListener('resize', place);
    return () => {
      window.removeEventListener('scroll', place, true);
      window.removeEventListener('resize', place);
    };
  }, [shown]);

  useEffect(() => {
    if (open !== 'pinned') return;
    function closeOutside(event: MouseEvent) {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(null);
    }
    document.addEventListener('mousedown', closeOutside);
    return () => document.removeEventListener('mousedown', closeOutside);
  }, [open]);

  // Opened by the pointer, it has no focus to catch Escape: the document does.
  useEffect(() => {
    if (open !== 'hover') return;
    function closeOnEscape(event: globalThis.KeyboardEvent) {
      if (event.key === 'Escape') setOpen(null);
    }
    document.addEventListener('keydown', closeOnEscape);
    return () => document.removeEventListener('keydown', closeOnEscape);
  }, [open]);

  function close() {
    setOpen(null);
    buttonRef.current?.focus();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' && open !== null) {
      event.stopPropagation();
      close();
    }
  }

  function handleBlur(event: FocusEvent<HTMLDivElement>) {
    // Focus moving on to another row or control closes it; a click on the panel's text does not.
    const next = event.relatedTarget;
    if (next instanceof Node && !event.currentTarget.contains(next)) setOpen(null);
  }

  function act(action: RowAction) {
    close();
    onAction(action, row);
  }

  return (
    <div
      ref={rootRef}
      className="customer-name"
      onKeyDown={handleKeyDown}
      onBlur={handleBlur}
      onMouseEnter={() => setOpen((value) => value ?? 'hover')}
      onMouseLeave={() => {
        // Focus inside keeps it open: the keyboard user is still in it.
        if (rootRef.current?.contains(document.activeElement)) return;
        setOpen((value) => (value === 'hover' ? null : value));
      }}
    >
      <Link to={`/customers/${encodeURIComponent(row.id)}`} className="table__primary" data-testid="customer-link">
        {row.name}
      </Link>
      <button
        ref={buttonRef}
        type="button"
        className="customer-name__toggle"
        aria-expanded={shown}
        aria-controls={panelId}
        aria-label={`${row.name}: summary and actions`}
        title="Summary and actions"
        onClick={() => setOpen((value) => (value === 'pinned' ? null : 'pinned'))}
        data-testid="customer-popup-toggle"
      >
        <span aria-hidden="true">▾</span>
      </button>
      <div
        ref={panelRef}
        id={panelId}
        hidden={!shown}
        className="customer-popup"
        style={position ? { top: position.top, left: position.left } : undefined}
        data-testid="customer-popup"
      >
        {shown ? (
          <>
            <p className="customer-popup__title">{row.name}</p>
            <dl className="customer-popup__details">
              <div>
                <dt>Management type</dt>
                <dd>{row.managementLabel}</dd>
              </div>
              <div>
                <dt>Products</dt>
                <dd>
                  {row.products.length === 0
                    ? 'None'
                    : row.products.map((product) => `${product.name} (${statusLabel(product.status)})`).join(', ')}
                </dd>
              </div>
              <div>
                <dt>Used/Capacity</dt>
                <dd>
                  {formatNumber(row.used)} / {formatNumber(row.capacity)}
                </dd>
              </div>
              <div>
                <dt>Open alerts</dt>
                <dd>{openAlerts(row)}</dd>
              </div>
            </dl>
            {row.yourAccess.level === 'read' ? (
              <p className="customer-popup__note">Your role may only view this customer.</p>
            ) : null}
            <ul className="customer-popup__actions">
              <li>
                <Link to={`/customers/${encodeURIComponent(row.id)}`} data-testid="popup-view-profile">
                  View profile
                </Link>
              </li>
              {mayManage ? (
                <li>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => act('activate')}
                    disabled={disabled}
                    data-testid="popup-activate"
                  >
                    {busy === 'activate' ? 'Opening…' : 'Activate a product or trial'}
                  </button>
                </li>
              ) : null}
              {mayManage && partnerMayManage(row) ? (
                <li>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => act('manage')}
                    disabled={disabled}
                    data-testid="popup-manage"
                  >
                    {busy === 'manage' ? 'Opening…' : 'Manage customer'}
                  </button>
                </li>
              ) : null}
              {mayRemove ? (
                <li>
                  <button
                    type="button"
                    className="link-button customer-popup__danger"
                    onClick={() => act('remove')}
                    disabled={disabled}
                    data-testid="popup-remove"
                  >
                    {busy === 'remove' ? 'Opening…' : 'Remove customer'}
                  </button>
                </li>
              ) : null}
            </ul>
          </>
        ) : null}
      </div>
    </div>
  );
}
