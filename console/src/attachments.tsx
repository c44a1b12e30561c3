/**
 * Attachments in the console: a file picker (or drop zone) for messages, the upload of the chosen files
 * (raw bytes, one request each; the server reads their type from the bytes) and the list of a message's
 * files with download links.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from './api';
import { lang } from './i18n';
import { tx } from './i18n-attachments';
import { csrfToken } from './session';

/** A file a message carries, as the timeline records it. */
export interface AttachmentRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** Uploads one file; its id goes in the message's `attachmentIds`. */
export async function uploadFile(file: File): Promise<AttachmentRef> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    Accept: 'application/json, application/problem+json',
    'Accept-Language': lang(),
    'Idempotency-Key': crypto.randomUUID(),
  };
  const csrf = csrfToken();
  if (csrf !== null) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(`/v1/attachments?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: file,
  });
  const parsed = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  // A refusal names the file: several may be chosen.
  if (!res.ok) {
    const said = typeof parsed.detail === 'string' ? parsed.detail : undefined;
    throw new ApiError(res.status, { ...parsed, ...(said && { detail: `${file.name}: ${said}` }) });
  }
  return parsed as unknown as AttachmentRef;
}

/** Uploads every file, in order; the first refusal (size, type) stops and is thrown. */
export async function uploadAll(files: readonly File[]): Promise<string[]> {
  const ids: string[] = [];
  for (const file of files) ids.push((await uploadFile(file)).id);
  return ids;
}

/** "1.2 MB"-style size. */
function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The file picker of a message form: choose or drop files; the chosen ones are listed, each removable. */
export function FilePicker(props: { id: string; files: File[]; onChange: (files: File[]) => void }) {
  const [over, setOver] = useState(false);
  const add = (list: FileList | null) => {
    if (list && list.length > 0) props.onChange([...props.files, ...Array.from(list)]);
  };
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
        add(e.dataTransfer?.files ?? null);
      }}
    >
      <label for={props.id}>{tx('pick')}</label>
      <input
        id={props.id}
        type="file"
        multiple
        onChange={(e) => {
          add(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
      {props.files.length > 0 && (
        <ul class="chosen-files" aria-label={tx('files')}>
          {props.files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} ({size(f.size)}){' '}
              <button
                type="button"
                aria-label={`${tx('remove')} ${f.name}`}
                onClick={() => props.onChange(props.files.filter((_, j) => j !== i))}
              >
                {tx('remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The files of one message, as download links. */
export function AttachmentLinks(props: { ticket: number; attachments: unknown }) {
  if (!Array.isArray(props.attachments) || props.attachments.length === 0) return null;
  const list = props.attachments as AttachmentRef[];
  return (
    <ul class="attachments" aria-label={tx('files')}>
      {list.map((a) => (
        <li key={a.id}>
          <a href={`/v1/tickets/${props.ticket}/attachments/${a.id}`} download={a.name}>
            {a.name}
          </a>{' '}
          <span class="muted">({size(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}

/** The files the ticket was opened with (phone intake, portal form, API), as download links. */
export function IntakeAttachments(props: { ticket: number }) {
  const [files, setFiles] = useState<AttachmentRef[]>([]);
  useEffect(() => {
    get<{ items: (AttachmentRef & { messageId: string | null })[] }>(
      `/v1/tickets/${props.ticket}/attachments`,
    ).then(
      (page) => setFiles(page.items.filter((a) => a.messageId === 'intake')),
      () => setFiles([]),
    );
  }, [props.ticket]);
  return <AttachmentLinks ticket={props.ticket} attachments={files} />;
}
