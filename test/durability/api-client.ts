/** A small HTTP client for tests that drive a running Orquesta as its users do: every call has a deadline. */
export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON from the API under test
}

export type Call = (method: string, path: string, body?: unknown, timeoutMs?: number) => Promise<Answer>;

export function apiClient(baseUrl: string, key: string): Call {
  return async (method, path, body, timeoutMs = 30_000) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  };
}

/** Calls `fn` until it returns a value `accept` takes, or fails with the last value after `timeoutMs`. */
export async function until<T>(
  fn: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let error: unknown;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      error = undefined;
      if (accept(last)) return last;
    } catch (e) {
      error = e;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `${what}: not reached in ${timeoutMs} ms; last ${error ? `error ${error instanceof Error ? error.message : JSON.stringify(error)}` : JSON.stringify(last)}`,
  );
}
