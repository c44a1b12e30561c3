/**
 * The two non-JSON exchanges of the policy and report screens: uploading YAML text and downloading text
 * (YAML, CSV). Same rules as `api.ts`: session cookie, CSRF token on writes, problem+json as `ApiError`.
 */
import { ApiError } from './api';
import { lang } from './i18n';
import { csrfToken } from './session';

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  let problem: Record<string, unknown> = { detail: text };
  try {
    problem = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: keep the text as the detail.
  }
  return new ApiError(res.status, problem);
}

/** POSTs YAML text; answers the parsed JSON reply. */
export async function postYaml<T>(path: string, yaml: string): Promise<T> {
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': lang(),
    'Content-Type': 'application/yaml',
    'Idempotency-Key': crypto.randomUUID(),
  };
  const csrf = csrfToken();
  if (csrf !== null) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(path, { method: 'POST', headers, body: yaml, credentials: 'same-origin' });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** GETs a text resource (YAML, CSV) in the given media type. */
export async function getText(path: string, accept: string): Promise<string> {
  const res = await fetch(path, {
    headers: { Accept: `${accept}, application/problem+json`, 'Accept-Language': lang() },
    credentials: 'same-origin',
  });
  if (!res.ok) throw await failure(res);
  return res.text();
}

/** `invalid-params` of a refusal, each as its path in the document (`body.` dropped) and the reason. */
export function invalidParams(error: unknown): { path: string; reason: string }[] {
  if (!(error instanceof ApiError)) return [];
  const list = error.problem['invalid-params'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown) => {
    if (!p || typeof p !== 'object') return [];
    const { name, reason } = p as { name?: unknown; reason?: unknown };
    if (typeof name !== 'string' || typeof reason !== 'string') return [];
    return [{ path: name === 'body' ? '' : name.replace(/^body\./, ''), reason }];
  });
}
