import './support.css';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { FailureAlert, failureOf, type Failure } from '../admin/problems';
import { followDownloadLink } from '../activity/saveBlob';
import { Dialog } from '../components/Dialog';
import { formatDateTime } from '../customers/labels';
import { FileUploads, useUploads } from './FileUploads';
import { TextAreaField, TextField } from '../components/fields';
import {
  addComment,
  attachmentLink,
  closeTicket,
  fetchTicket,
  MAX_ATTACHMENTS,
  setFollowing,
  SEVERITY_LABELS,
  STATUS_LABELS,
  updateTicket,
  type TicketView,
} from './api';

type Loaded = { status: 'loading' } | { status: 'failed'; failure: Failure } | { status: 'ready'; ticket: TicketView };

function sizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The Support Ticket Detail: Description Information (subject and description may be
 * changed while the case is open), Attachments (downloaded through short-lived links),
 * Case Comments (read only: support's, the partner's, and the resolution), and the
 * options Add Comments, Add Attachments and Close Ticket (with the Case Resolution).
 */
export function TicketDetailPage() {
  const { ticketId = '' } = useParams();
  const [loaded, setLoaded] = useState<Loaded>({ status: 'loading' });
  const [failure, setFailure] = useState<Failure | null>(null);

  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let active = true;
    void fetchTicket(ticketId).then((result) => {
      if (!active) return;
      if (result.ok) setLoaded({ status: 'ready', ticket: result.data });
      else setLoaded({ status: 'failed', failure: failureOf('The case could not be loaded', result.problem) });
    });
    return () => {
      active = false;
    };
  }, [ticketId, generation]);

  const load = () => setGeneration((n) => n + 1);

  if (loaded.status === 'loading') {
    return (
      <div className="page">
        <p className="panel__note">Loading the case…</p>
      </div>
    );
  }
  if (loaded.status === 'failed') {
    return (
      <div className="page">
        <FailureAlert failure={loaded.failure} />
        <Link to="/cases">Back to Case Management</Link>
      </div>
    );
  }
  const ticket = loaded.ticket;
  const open = ticket.status !== 'closed';
  const show = (t: TicketView) => {
    setFailure(null);
    setLoaded({ status: 'ready', ticket: t });
  };

  async function download(attachmentId: string, name: string) {
    const link = await attachmentLink(ticket.id, attachmentId);
    if (link.ok) followDownloadLink(link.data.url, name);
    else setFailure(failureOf('The attachment could not be downloaded', link.problem));
  }

  async function toggleFollowing() {
    const result = await setFollowing(ticket.id, !ticket.following);
    if (result.ok) show({ ...ticket, following: !ticket.following });
    else setFailure(failureOf('Following could not be changed', result.problem));
  }

  return (
    <div className="page page--wide">
      <div className="page__header">
        <div>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <Link to="/cases">Case Management</Link>
          </nav>
          <h1 className="page__title" data-testid="ticket-title">
            Case {ticket.caseNumber}: {ticket.subject}
          </h1>
          <p className="page__subtitle">
            <span data-testid="ticket-status">{STATUS_LABELS[ticket.status]}</span> · Severity{' '}
            {ticket.severity ? SEVERITY_LABELS[ticket.severity] : 'not yet evaluated'} · {ticket.product} · Opened{' '}
            {formatDateTime(ticket.openedAt)} by {ticket.openedByName}
          </p>
        </div>
        <div className="page__actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={() => void toggleFollowing()}
            aria-pressed={ticket.following}
            data-testid="ticket-follow"
          >
            {ticket.following ? 'Following (emailed when support comments)' : 'Follow'}
          </button>
          {open ? <CloseTicketButton ticket={ticket} onClosed={show} /> : null}
        </div>
      </div>
      {failure ? <FailureAlert failure={failure} onReload={load} /> : null}
      <DescriptionSection ticket={ticket} onSaved={show} onReload={load} />
      <section className="panel panel--stack" aria-labelledby="attachments-heading">
        <h2 id="attachments-heading" className="panel__title">
          Attachments
        </h2>
        {ticket.attachments.filter((a) => a.status === 'ready').length === 0 ? (
          <p className="panel__note">No attachments.</p>
        ) : (
          <ul className="upload-list" data-testid="ticket-attachments">
            {ticket.attachments
              .filter((a) => a.status === 'ready')
              .map((a) => (
                <li key={a.id} className="upload-list__item">
                  <button
                    type="button"
                    className="button button--link"
                    onClick={() => void download(a.id, a.fileName)}
                    data-testid={`attachment-${a.fileName}`}
                  >
                    {a.fileName}
                  </button>{' '}
                  <span className="table__secondary">
                    {sizeLabel(a.size)} · {a.uploadedByName} · {formatDateTime(a.createdAt)}
                  </span>
                </li>
              ))}
          </ul>
        )}
        {open ? <AddAttachments ticket={ticket} onAttached={show} /> : null}
      </section>
      <section className="panel panel--stack" aria-labelledby="comments-heading">
        <h2 id="comments-heading" className="panel__title">
          Case Comments
        </h2>
        {ticket.comments.length === 0 ? <p className="panel__note">No comments yet.</p> : null}
        <ol className="case-comments" data-testid="case-comments">
          {ticket.comments.map((c) => (
            <li key={c.id} className={`case-comment case-comment--${c.author}`}>
              <p className="case-comment__meta">
                <strong>{c.authorName}</strong> {c.author === 'support' ? '(Support)' : ''}
                {c.resolution ? ' · Case Resolution' : ''} · {formatDateTime(c.at)}
              </p>
              <p className="case-comment__text">{c.text}</p>
            </li>
          ))}
        </ol>
        {open ? <AddComment ticket={ticket} onAdded={show} /> : null}
      </section>
    </div>
  );
}

function DescriptionSection({
  ticket,
  onSaved,
  onReload,
}: {
  ticket: TicketView;
  onSaved: (t: TicketView) => void;
  onReload: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [subject, setSubject] = useState(ticket.subject);
  const [description, setDescription] = useState(ticket.description);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await updateTicket(ticket, { subject, description });
    setBusy(false);
    if (result.ok) {
      setEditing(false);
      setFailure(null);
      onSaved(result.data);
    } else {
      setFailure(failureOf('The description was not saved', result.problem));
    }
  }

  return (
    <section className="panel panel--stack" aria-labelledby="description-heading">
      <h2 id="description-heading" className="panel__title">
        Description Information
      </h2>
      {editing ? (
        <form onSubmit={(event) => void save(event)} noValidate aria-busy={busy}>
          {failure ? <FailureAlert failure={failure} onReload={onReload} /> : null}
          <TextField name="edit-subject" label="Subject" value={subject} onChange={setSubject} testId="edit-subject" />
          <TextAreaField
            name="edit-description"
            label="Description"
            value={description}
            onChange={setDescription}
            testId="edit-description"
          />
          <div className="form__actions">
            <button type="button" className="button button--secondary" onClick={() => setEditing(false)} disabled={busy}>
              Cancel
            </button>
            <button type="submit" className="button" disabled={busy} data-testid="save-description">
              {busy ? 'Saving…' : 'Save'}
            </button>
          </div>
        </form>
      ) : (
        <>
          <p className="case-comment__text" data-testid="ticket-description">
            {ticket.description}
          </p>
          {ticket.status !== 'closed' ? (
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => {
                setSubject(ticket.subject);
                setDescription(ticket.description);
                setEditing(true);
              }}
              data-testid="edit-description-open"
            >
              Edit subject and description
            </button>
          ) : null}
          {ticket.resolution ? (
            <p>
              <strong>Case Resolution:</strong> {ticket.resolution}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}

function AddComment({ ticket, onAdded }: { ticket: TicketView; onAdded: (t: TicketView) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim() === '') {
      setError('Write a comment first.');
      return;
    }
    setBusy(true);
    const result = await addComment(ticket.id, text);
    setBusy(false);
    if (result.ok) {
      setText('');
      setError(undefined);
      onAdded(result.data);
    } else {
      setError(result.problem.errors?.[0]?.message ?? result.problem.detail ?? result.problem.title);
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
      <TextAreaField
        name="comment"
        label="Add Comments"
        value={text}
        onChange={setText}
        error={error}
        rows={3}
        testId="comment-text"
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={busy} data-testid="comment-submit">
          {busy ? 'Adding…' : 'Add Comment'}
        </button>
      </div>
    </form>
  );
}

function AddAttachments({ ticket, onAttached }: { ticket: TicketView; onAttached: (t: TicketView) => void }) {
  const uploads = useUploads();
  const [busy, setBusy] = useState(false);
  const held = ticket.attachments.length;
  const waiting = uploads.files.filter((f) => f.status === 'waiting').length;

  async function send() {
    setBusy(true);
    const sent = await uploads.sendAll(ticket.id);
    setBusy(false);
    if (sent.ticket) onAttached(sent.ticket);
  }

  return (
    <div className="add-attachments">
      <FileUploads uploads={uploads} disabled={busy || held >= MAX_ATTACHMENTS} held={held} />
      <div className="form__actions">
        <button
          type="button"
          className="button button--secondary"
          onClick={() => void send()}
          disabled={busy || waiting === 0}
          data-testid="attachments-submit"
        >
          {busy ? 'Uploading…' : 'Add Attachments'}
        </button>
      </div>
    </div>
  );
}

function CloseTicketButton({ ticket, onClosed }: { ticket: TicketView; onClosed: (t: TicketView) => void }) {
  const [open, setOpen] = useState(false);
  const [resolution, setResolution] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (resolution.trim() === '') {
      setError('Describe the solution.');
      return;
    }
    setBusy(true);
    const result = await closeTicket(ticket.id, resolution);
    setBusy(false);
    if (result.ok) {
      setOpen(false);
      onClosed(result.data);
    } else {
      setError(result.problem.errors?.[0]?.message ?? result.problem.detail ?? result.problem.title);
    }
  }

  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)} data-testid="close-ticket">
        Close Ticket
      </button>
      {open ? (
        <Dialog title="Case Resolution" onClose={() => setOpen(false)} closeDisabled={busy}>
          <form onSubmit={(event) => void submit(event)} noValidate aria-busy={busy}>
            <p className="dialog__lead">Please enter information about the solution. A closed case takes no more changes.</p>
            <TextAreaField
              name="resolution"
              label="Case Resolution"
              value={resolution}
              onChange={setResolution}
              error={error}
              testId="resolution-text"
            />
            <div className="dialog__actions">
              <button type="button" className="button button--secondary" onClick={() => setOpen(false)} disabled={busy}>
                Keep open
              </button>
              <button type="submit" className="button" disabled={busy} data-testid="resolution-submit">
                {busy ? 'Closing…' : 'Close Ticket'}
              </button>
            </div>
          </form>
        </Dialog>
      ) : null}
    </>
  );
}
