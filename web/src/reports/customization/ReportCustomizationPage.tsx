import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { Problem } from '../../api/problem';
import { useCurrentSession } from '../../auth/AuthContext';
import { LoadFailed } from '../../customers/problems';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import { fetchBranding, removeLogo, saveBranding, uploadLogo, type BrandingAnswer } from '../api';
import '../reports.css';
import type { BrandingColours } from '../types';
import { ColourField } from './ColourField';
import { LogoField } from './LogoField';
import { ReportPreview } from './ReportPreview';

type LoadState = { status: 'loading' } | { status: 'failed'; problem: Problem } | ({ status: 'loaded' } & BrandingAnswer);

function coloursOf(answer: BrandingAnswer): BrandingColours {
  return { headerColour: answer.branding.headerColour, themeColour: answer.branding.themeColour };
}

/**
 * Administration > Report Customization (the guide's "Customizing your reports"): the
 * header font and theme colours, saved with Save, the logo, used as soon as it is
 * uploaded, and the Preview pane, which follows the unsaved colours.
 */
export function ReportCustomizationPage() {
  const { partner } = useCurrentSession();
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [draft, setDraft] = useState<BrandingColours | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  useEffect(() => {
    let active = true;
    void fetchBranding().then((result) => {
      if (!active) return;
      if (result.ok) {
        setLoad({ status: 'loaded', ...result.data });
        setDraft(coloursOf(result.data));
      } else {
        setLoad({ status: 'failed', problem: result.problem });
      }
    });
    return () => {
      active = false;
    };
  }, [attempt]);

  function reload() {
    setLoad({ status: 'loading' });
    setFailure(null);
    setSaved(null);
    setAttempt((count) => count + 1);
  }

  function change(next: Partial<BrandingColours>) {
    setDraft((previous) => (previous ? { ...previous, ...next } : previous));
    setSaved(null);
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (load.status !== 'loaded' || draft === null || busy) return;
    setBusy(true);
    setFailure(null);
    setSaved(null);
    const result = await saveBranding(load.etag, draft);
    setBusy(false);
    if (result.ok) {
      setLoad({ status: 'loaded', ...result.data });
      setDraft(coloursOf(result.data));
      setSaved('Saved. Reports made from now on use these colours.');
      return;
    }
    setFailure(failureOf('The report customization could not be saved', result.problem, result.retryAfterSeconds));
    setFailures((count) => count + 1);
  }

  /** A new or removed logo: the saved branding changed, the colours being chosen stay. */
  function logoChanged(answer: BrandingAnswer) {
    setLoad({ status: 'loaded', ...answer });
  }

  const header = (
    <div className="page__header">
      <div>
        <h1 className="page__title">Report Customization</h1>
        <p className="page__subtitle">
          The colours and logo of your <Link to="/reports">reports</Link>, in every format.
        </p>
      </div>
    </div>
  );

  if (load.status !== 'loaded' || draft === null) {
    return (
      <div className="page page--wide">
        <title>Report Customization · Partner Console</title>
        {header}
        {load.status === 'failed' ? (
          <LoadFailed title="The report customization could not be loaded" problem={load.problem} onRetry={reload} />
        ) : (
          <p className="panel__note" role="status">
            Loading the report customization…
          </p>
        )}
      </div>
    );
  }

  const { branding } = load;
  const unsaved = draft.headerColour !== branding.headerColour || draft.themeColour !== branding.themeColour;

  return (
    <div className="page page--wide">
      <title>Report Customization · Partner Console</title>
      {header}
      <div className="customization-layout">
        <div className="form__stack">
          <form className="panel panel--stack" noValidate onSubmit={(event) => void save(event)} aria-busy={busy}>
            <h2 className="panel__title">Colours</h2>
            {failure ? (
              <FailureAlert ref={failureRef} failure={failure} onReload={reload} reloadLabel="Reload the customization" />
            ) : null}
            <ColourField
              label="Header Font"
              value={draft.headerColour}
              onChange={(headerColour) => change({ headerColour })}
              testId="header-colour"
              disabled={busy}
            />
            <ColourField
              label="Report Theme"
              value={draft.themeColour}
              onChange={(themeColour) => change({ themeColour })}
              testId="theme-colour"
              disabled={busy}
            />
            <div className="setting__footer">
              <p className="setting__status" role="status" data-testid="branding-status">
                {saved ?? (unsaved ? 'Not saved yet: the preview shows the new colours.' : '')}
              </p>
              <button type="submit" className="button button--primary" disabled={busy} data-testid="branding-save">
                {busy ? 'Saving…' : 'Save'}
              </button>
            </div>
          </form>
          <section className="panel panel--stack" aria-label="Logo">
            <LogoField
              logo={branding.logo ?? undefined}
              upload={uploadLogo}
              remove={removeLogo}
              onChanged={logoChanged}
              disabled={busy}
            />
          </section>
        </div>
        <ReportPreview
          headerColour={draft.headerColour}
          themeColour={draft.themeColour}
          logo={branding.logo ?? undefined}
          company={partner.company.name}
        />
      </div>
    </div>
  );
}
