import { useId, useRef, useState, type ChangeEvent } from 'react';
import { FailureAlert, failureOf, type Failure } from '../../admin/problems';
import type { ApiResult } from '../../auth/session';
import { useFocusOnChange } from '../../customers/useFocusOnChange';
import type { BrandingAnswer } from '../api';
import { formatSize } from '../labels';
import type { Logo } from '../types';

/** "Less than 200 KB": a file of this many bytes or more is refused (the API's limit). */
export const MAX_LOGO_BYTES = 200 * 1024;

/** The file types a logo may be, by extension, with the content type it is sent as. */
const LOGO_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
};

export const LOGO_ACCEPT = '.png,.jpg,.jpeg,.gif';

/** The content type a file is sent as: its own when it is one of the logo types, else by its extension. */
export function logoContentType(file: File): string | null {
  if (Object.values(LOGO_TYPES).includes(file.type)) return file.type;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return LOGO_TYPES[extension] ?? null;
}

/** Why a file is not sent at all; the server checks the file itself either way. */
export function logoRefusal(file: File): string | null {
  if (logoContentType(file) === null) return 'The logo must be a PNG, JPG, JPEG or GIF file.';
  if (file.size >= MAX_LOGO_BYTES) {
    return `The logo must be smaller than 200 KB; this file is ${Math.ceil(file.size / 1024)} KB.`;
  }
  return null;
}

interface LogoFieldProps {
  logo: Logo | undefined;
  /** Sends the file; the answer is the branding with the new logo. */
  upload: (file: File, contentType: string) => Promise<ApiResult<BrandingAnswer>>;
  remove: () => Promise<ApiResult<BrandingAnswer>>;
  onChanged: (answer: BrandingAnswer) => void;
  disabled: boolean;
}

/** The logo in the report banner: Browse to upload one (it is used at once), or remove it. */
export function LogoField({ logo, upload, remove, onChanged, disabled }: LogoFieldProps) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const failureRef = useFocusOnChange<HTMLDivElement>(failures);

  function fail(next: Failure) {
    setFailure(next);
    setFailures((count) => count + 1);
  }

  async function run(kind: 'upload' | 'remove', request: () => Promise<ApiResult<BrandingAnswer>>, done: string) {
    setBusy(kind);
    setFailure(null);
    setNotice(null);
    const result = await request();
    setBusy(null);
    if (inputRef.current) inputRef.current.value = '';
    if (result.ok) {
      onChanged(result.data);
      setNotice(done);
      return;
    }
    fail(
      failureOf(
        kind === 'upload' ? 'The logo was not accepted' : 'The logo could not be removed',
        result.problem,
        result.retryAfterSeconds,
        [],
      ),
    );
  }

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file || busy !== null) return;
    const refusal = logoRefusal(file);
    const contentType = logoContentType(file);
    if (refusal !== null || contentType === null) {
      event.target.value = '';
      fail({ title: 'The logo was not accepted', detail: refusal ?? '' });
      return;
    }
    void run('upload', () => upload(file, contentType), 'The logo was uploaded. Reports made from now on show it.');
  }

  return (
    <div className="logo-field" data-testid="logo-field">
      <label className="field__label" htmlFor={id}>
        Logo
      </label>
      <p className="field__hint" id={`${id}-hint`}>
        A PNG, JPG, JPEG or GIF file smaller than 200 KB. A logo larger than 116 × 110 pixels is scaled to fit.
      </p>
      {logo ? (
        <p className="panel__note" data-testid="logo-current">
          Current logo: {logo.width} × {logo.height} pixels, {formatSize(logo.size)}.
        </p>
      ) : (
        <p className="panel__note" data-testid="logo-current">
          No logo: reports show your company name alone.
        </p>
      )}
      <div className="logo-field__actions">
        <input
          ref={inputRef}
          id={id}
          type="file"
          accept={LOGO_ACCEPT}
          className="logo-field__input"
          onChange={choose}
          disabled={disabled || busy !== null}
          aria-describedby={`${id}-hint`}
          data-testid="logo-input"
        />
        {logo ? (
          <button
            type="button"
            className="button button--secondary button--danger-outline"
            onClick={() => void run('remove', remove, 'The logo was removed.')}
            disabled={disabled || busy !== null}
            data-testid="logo-remove"
          >
            {busy === 'remove' ? 'Removing…' : 'Remove logo'}
          </button>
        ) : null}
      </div>
      <p className="setting__status" role="status" data-testid="logo-status">
        {busy === 'upload' ? 'Uploading…' : (notice ?? '')}
      </p>
      {failure ? <FailureAlert ref={failureRef} failure={failure} /> : null}
    </div>
  );
}
