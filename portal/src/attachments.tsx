/**
 * Attachments in the portal: a file picker (choose or drop) that uploads each file as soon as it is chosen
 * (`POST /v1/portal/attachments`, raw bytes), so a file too large or of a refused type is named before the
 * message is sent; the message then carries the uploaded files' ids. Also the files of a conversation entry
 * as download links.
 */
import { useRef, useState } from 'preact/hooks';
import { ApiError } from './api';
import { lang } from './i18n';
import { tx } from './i18n-attachments';

/** A file a message carries, as the conversation shows it. */
export interface AttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** One chosen file: uploading, uploaded (with its id) or refused (with the reason, in the portal's language). */
export interface ChosenFile {
  key: number;
  name: string;
  size: number;
  state: 'uploading' | 'ready' | 'refused';
  id?: string;
  error?: string;
}

/** "1.2 MB"-style size. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function upload(file: File): Promise<AttachmentRef> {
  const res = await fetch(`/v1/portal/attachments?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'Content-Type': 'application/octet-stream',
      Accept: 'application/json, application/problem+json',
      'Accept-Language': lang(),
    },
    body: file,
  });
  const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed as unknown as AttachmentRef;
}

function refusal(error: unknown): string {
  if (error instanceof ApiError) {
    if (typeof error.problem.detail === 'string') return error.problem.detail;
    if (error.status === 413) return tx('tooLarge');
  }
  return tx('failed');
}

/** The files chosen for one message, uploaded as they are chosen. */
export interface Uploads {
  files: ChosenFile[];
  add(list: readonly File[]): void;
  remove(key: number): void;
  clear(): void;
  /** Ids of the files uploaded and not removed: the message's `attachmentIds`. */
  readyIds: string[];
  /** Whether a file is still on its way. */
  pending: boolean;
}

/** State of a message's files; each added file starts uploading at once. */
export function useUploads(): Uploads {
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const next = useRef(0);
  const update = (key: number, patch: Partial<ChosenFile>) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, ...patch } : f)));
  return {
    files,
    add(list) {
      for (const file of list) {
        const key = next.current++;
        setFiles((all) => [...all, { key, name: file.name, size: file.size, state: 'uploading' }]);
        upload(file).then(
          (stored) => update(key, { state: 'ready', id: stored.id }),
          (error: unknown) => update(key, { state: 'refused', error: refusal(error) }),
        );
      }
    },
    remove: (key) => setFiles((all) => all.filter((f) => f.key !== key)),
    clear: () => setFiles([]),
    readyIds: files.flatMap((f) => (f.state === 'ready' && f.id !== undefined ? [f.id] : [])),
    pending: files.some((f) => f.state === 'uploading'),
  };
}

/** The file picker of a portal form: choose or drop files; each is listed with its upload's outcome. */
export function FilePicker(props: { id: string; uploads: Uploads; requiredCount?: number }) {
  const [over, setOver] = useState(false);
  const { uploads } = props;
  const hintId = `${props.id}-hint`;
  return (
    <div
      class={`file-picker${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        uploads.add(Array.from(e.dataTransfer?.files ?? []));
      }}
    >
      <label for={props.id}>{tx('pick')}</label>
      {props.requiredCount !== undefined && props.requiredCount > 0 && (
        <p class="required-files">{tx('required', { n: props.requiredCount })}</p>
      )}
      <p class="muted" id={hintId}>
        {tx('hint')}
      </p>
      <input
        id={props.id}
        type="file"
        multiple
        aria-describedby={hintId}
        onChange={(e) => {
          uploads.add(Array.from(e.currentTarget.files ?? []));
          e.currentTarget.value = '';
        }}
      />
      <div aria-live="polite">
        {uploads.files.length > 0 && (
          <ul class="chosen-files" aria-label={tx('files')}>
            {uploads.files.map((f) => (
              <li key={f.key} class={`chosen ${f.state}`}>
                <span>
                  {f.name} ({sizeText(f.size)}){' · '}
                  {f.state === 'uploading'
                    ? tx('uploading')
                    : f.state === 'ready'
                      ? tx('ready')
                      : tx('notSent')}
                </span>{' '}
                <button
                  type="button"
                  aria-label={`${tx('remove')} ${f.name}`}
                  onClick={() => uploads.remove(f.key)}
                >
                  {tx('remove')}
                </button>
                {f.error !== undefined && <p class="error file-error">{f.error}</p>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** The files of one conversation entry, as download links. */
export function AttachmentLinks(props: { ticket: number; attachments: AttachmentRef[] | undefined }) {
  if (props.attachments === undefined || props.attachments.length === 0) return null;
  return (
    <ul class="attachments" aria-label={tx('files')}>
      {props.attachments.map((a) => (
        <li key={a.id}>
          <a href={`/v1/portal/tickets/${props.ticket}/attachments/${a.id}`} download={a.name}>
            {a.name}
          </a>{' '}
          <span class="muted">({sizeText(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}
