import { useRef, useState, type ChangeEvent } from 'react';
import { attachFile, fileProblem, MAX_ATTACHMENTS, type PutFile, type TicketView } from './api';

export interface PendingFile {
  key: number;
  file: File;
  /** 0–1 while sending. */
  progress: number;
  status: 'waiting' | 'sending' | 'done' | 'refused';
  error?: string;
}

export interface Uploads {
  files: PendingFile[];
  add: (files: File[]) => void;
  remove: (key: number) => void;
  /**
   * Sends every file not yet accepted, one after another. Answers the ticket after the
   * last accepted file (null when none was), and whether every file was accepted.
   */
  sendAll: (ticketId: string) => Promise<{ ticket: TicketView | null; allAccepted: boolean }>;
}

/** Files chosen for a ticket, and their uploads. */
export function useUploads(put?: PutFile): Uploads {
  const [files, setFiles] = useState<PendingFile[]>([]);
  const current = useRef<PendingFile[]>([]);
  const nextKey = useRef(1);

  function update(next: PendingFile[]) {
    current.current = next;
    setFiles(next);
  }

  function change(key: number, patch: Partial<PendingFile>) {
    update(current.current.map((f) => (f.key === key ? { ...f, ...patch } : f)));
  }

  return {
    files,
    add(chosen) {
      const added = chosen.map((file): PendingFile => {
        const problem = fileProblem(file);
        const pending: PendingFile = { key: nextKey.current++, file, progress: 0, status: problem ? 'refused' : 'waiting' };
        if (problem) pending.error = problem;
        return pending;
      });
      update([...current.current, ...added]);
    },
    remove(key) {
      update(current.current.filter((f) => f.key !== key));
    },
    async sendAll(ticketId) {
      let ticket: TicketView | null = null;
      let allAccepted = true;
      for (const pending of current.current.filter((f) => f.status !== 'done')) {
        if (fileProblem(pending.file) !== null) {
          allAccepted = false;
          continue;
        }
        change(pending.key, { status: 'sending', progress: 0 });
        const result = await attachFile(ticketId, pending.file, (progress) => change(pending.key, { progress }), put);
        if (result.ok) {
          ticket = result.data;
          change(pending.key, { status: 'done', progress: 1 });
        } else {
          allAccepted = false;
          const why = result.problem.errors?.[0]?.message ?? result.problem.detail ?? result.problem.title;
          change(pending.key, { status: 'refused', error: why });
        }
      }
      return { ticket, allAccepted };
    },
  };
}

function describe(f: PendingFile): string {
  switch (f.status) {
    case 'waiting':
      return 'Ready to upload';
    case 'sending':
      return `Uploading… ${Math.round(f.progress * 100)}%`;
    case 'done':
      return 'Attached';
    case 'refused':
      return `Not attached: ${f.error ?? 'refused'}`;
  }
}

interface FileUploadsProps {
  uploads: Uploads;
  disabled: boolean;
  /** Files the ticket holds already (they count towards the five). */
  held?: number;
}

/** Browse: the files to attach, each with its progress or the reason it was refused. */
export function FileUploads({ uploads, disabled, held = 0 }: FileUploadsProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const room = MAX_ATTACHMENTS - held - uploads.files.filter((f) => f.status !== 'refused').length;

  function choose(event: ChangeEvent<HTMLInputElement>) {
    const chosen = Array.from(event.target.files ?? []);
    uploads.add(chosen);
    event.target.value = '';
  }

  return (
    <div className="field">
      <label className="field__label" htmlFor="field-ticket-files">
        Attachments
      </label>
      <input
        ref={inputRef}
        id="field-ticket-files"
        type="file"
        multiple
        className="field__input"
        accept=".png,.jpg,.jpeg,.gif,.pdf,.zip,.txt,.log,.csv"
        onChange={choose}
        disabled={disabled || room <= 0}
        aria-describedby="field-ticket-files-hint"
        data-testid="ticket-files"
      />
      <div className="field__hint" id="field-ticket-files-hint">
        Up to {MAX_ATTACHMENTS} files a ticket, 10 MB each: images (PNG, JPEG, GIF), PDF, ZIP or text.
      </div>
      {uploads.files.length > 0 ? (
        <ul className="upload-list" aria-live="polite" data-testid="upload-list">
          {uploads.files.map((f) => (
            <li key={f.key} className={`upload-list__item upload-list__item--${f.status}`}>
              <span className="upload-list__name">{f.file.name}</span>{' '}
              <span className="upload-list__status">{describe(f)}</span>
              {f.status === 'sending' ? (
                <progress className="upload-list__progress" value={f.progress} max={1} aria-label={`${f.file.name} uploaded`} />
              ) : null}
              {f.status !== 'done' && f.status !== 'sending' ? (
                <button
                  type="button"
                  className="button button--small button--secondary"
                  onClick={() => uploads.remove(f.key)}
                  disabled={disabled}
                >
                  Remove
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
