import { useState, type ReactNode } from 'react';
import type { Catalog, CurrentPartner, CustomerProfile, CustomerRow } from '../api/client';
import { FormAlert } from '../components/FormAlert';
import { fetchCustomerProfile, type ProfileAnswer } from './api';
import type { RowAction } from './CustomerPopup';
import { openCustomerConsole, type Notice } from './manageSession';
import { ActivateProductsDialog, RemoveCustomerDialog } from './ProfileDialogs';
import { useFocusOnChange } from './useFocusOnChange';

/** The list row after a change made from it, from the customer's profile as the change answered it. */
export function rowFromProfile(row: CustomerRow, profile: CustomerProfile, catalog: Catalog | null): CustomerRow {
  const { customer } = profile;
  const products = customer.products.map((product) => ({
    product: product.product,
    name: catalog?.products.find((item) => item.id === product.product)?.name ?? product.product,
    status: product.status,
    capacity: product.capacity,
  }));
  return {
    ...row,
    name: customer.company.name,
    management: customer.management,
    managementLabel: profile.managementLabel,
    products,
    used: customer.seatsUsed,
    capacity: products.reduce((sum, product) => sum + product.capacity, 0),
    compliance: customer.compliance,
    yourAccess: profile.yourAccess,
  };
}

type OpenDialog = { kind: 'activate' | 'remove'; row: CustomerRow; profile: CustomerProfile; etag: string } | null;

/** Said once a customer is removed, on the list. */
export const REMOVED_DETAIL = 'Its account, products and login are gone; its email address can be registered again.';

interface RowActionsOptions {
  /** Another action (on several customers) is open or going: none starts here. */
  blocked: boolean;
  catalog: Catalog | null;
  program: CurrentPartner['program'];
  /** The customer changed: its row as it is now. */
  onChanged: (row: CustomerRow) => void;
  onRemoved: (row: CustomerRow) => void;
}

/**
 * What the row pop-up's actions do, with the Customer Profile page's own dialogs: the
 * customer's profile is loaded first (the dialogs need its products and its version),
 * then "Activate a Product or Trial" or "Remove customer" opens over the list, and
 * "Manage customer" opens the customer's console in a new tab. Returns the action
 * starter, the busy action, what to render (the notice and the open dialog), and a way
 * to take the notice away.
 */
export function useRowActions({ blocked, catalog, program, onChanged, onRemoved }: RowActionsOptions) {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [busy, setBusy] = useState<{ id: string; action: RowAction } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [noticeCount, setNoticeCount] = useState(0);
  const noticeRef = useFocusOnChange<HTMLDivElement>(noticeCount);

  function show(next: Notice) {
    setNotice(next);
    setNoticeCount((count) => count + 1);
  }

  async function start(action: RowAction, row: CustomerRow) {
    if (busy !== null || blocked) return;
    if (action === 'activate' && catalog === null) {
      show({ tone: 'error', title: 'The products could not be loaded', detail: 'Reload the page and try again.' });
      return;
    }
    setBusy({ id: row.id, action });
    setNotice(null);
    if (action === 'manage') {
      show(await openCustomerConsole(row.id, row.name));
      setBusy(null);
      return;
    }
    const result = await fetchCustomerProfile(row.id);
    setBusy(null);
    // Another dialog opened meanwhile: never two at once, so this answer is dropped.
    if (document.querySelector('[aria-modal="true"]') !== null) return;
    if (!result.ok) {
      show({ tone: 'error', title: `${row.name} could not be loaded`, detail: result.problem.detail ?? result.problem.title });
      return;
    }
    setDialog({ kind: action, row, profile: result.data.profile, etag: result.data.etag });
  }

  function reload() {
    if (dialog === null) return;
    const { kind, row } = dialog;
    setDialog(null);
    void start(kind, row);
  }

  function done(answer: ProfileAnswer, text: string) {
    if (dialog === null) return;
    onChanged(rowFromProfile(dialog.row, answer.profile, catalog));
    setDialog(null);
    show({ tone: 'success', title: text });
  }

  const rendered: ReactNode = (
    <>
      {/* Always mounted, so that the text put in it is announced. */}
      <p className="visually-hidden" role="status" data-testid="row-action-status">
        {busy !== null ? 'Opening…' : ''}
      </p>
      {notice ? (
        <div ref={noticeRef} tabIndex={-1} className="form__message" data-testid="row-action-notice">
          <FormAlert tone={notice.tone} title={notice.title}>
            {notice.detail ? <p>{notice.detail}</p> : null}
          </FormAlert>
        </div>
      ) : null}
      {dialog?.kind === 'activate' && catalog ? (
        <ActivateProductsDialog
          catalog={catalog}
          program={program}
          profile={dialog.profile}
          etag={dialog.etag}
          onClose={() => setDialog(null)}
          onDone={done}
          onReload={reload}
        />
      ) : null}
      {dialog?.kind === 'remove' ? (
        <RemoveCustomerDialog
          profile={dialog.profile}
          etag={dialog.etag}
          onClose={() => setDialog(null)}
          onReload={reload}
          onRemoved={() => {
            const { row } = dialog;
            setDialog(null);
            onRemoved(row);
            show({
              tone: 'success',
              title: `${row.name} was removed.`,
              detail: REMOVED_DETAIL,
            });
          }}
        />
      ) : null}
    </>
  );

  return { start, busy, rendered, clearNotice: () => setNotice(null) };
}
