import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z, type ZodError } from 'zod';
import { requestLanguage, type Bilingual } from './i18n';

/** One field that failed validation: its path in the request (`body.priority`, `query.limit`) and the reason. */
export interface InvalidParam {
  name: string;
  reason: string;
}

/** An RFC 9457 problem details document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  'invalid-params'?: InvalidParam[];
  [extension: string]: unknown;
}

/** Base URI of the problem types this API defines (`${PROBLEM_BASE}validation`, ...). */
export const PROBLEM_BASE = 'https://orquesta.dev/problems/';

/** An error that knows the problem document to answer with. */
export class ProblemError extends Error {
  /**
   * @param problem the document; `detail` may be given in both languages via `localized`, picked
   *   by the request's `Accept-Language` when the error is answered.
   * @param localized the detail in Spanish and English.
   * @param headers extra response headers (e.g. `Retry-After`).
   */
  constructor(
    readonly problem: Problem,
    readonly localized?: Bilingual,
    readonly headers?: Record<string, string>,
  ) {
    super(problem.detail ?? localized?.en ?? problem.title);
    this.name = 'ProblemError';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Builds a `ProblemError` with a problem type under `PROBLEM_BASE`, the detail in both languages
 * and optional extension members.
 */
export function problem(
  status: number,
  type: string,
  detail: Bilingual,
  extra: Omit<Partial<Problem>, 'status' | 'type'> & { headers?: Record<string, string> } = {},
): ProblemError {
  const { headers, ...members } = extra;
  return new ProblemError(
    { type: `${PROBLEM_BASE}${type}`, title: TITLES[status] ?? 'Error', status, ...members },
    detail,
    headers,
  );
}

/** `invalid-params` entries for a zod error, each path prefixed by where the value came from. */
export function invalidParamsOf(error: ZodError, location: string): InvalidParam[] {
  return error.issues.map((issue) => {
    let name = location;
    for (const key of issue.path) name += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
    return { name, reason: issue.message };
  });
}

/** zod's Spanish messages, for `invalid-params` reasons of Spanish-speaking callers. */
const SPANISH = { error: z.locales.es().localeError };

/**
 * Validates one input of a request (`params`, `query`, `body`) against its schema: the parsed value, or the
 * `invalid-params` entries saying why not. A value zod itself cannot inspect (an object whose `length` has no
 * primitive value makes a length check throw) is refused as a whole, never a 500.
 */
export function validateInput(
  schema: z.ZodType,
  value: unknown,
  location: string,
  lang: 'es' | 'en',
): { ok: true; data: unknown } | { ok: false; invalid: InvalidParam[] } {
  try {
    const result = schema.safeParse(value, lang === 'es' ? SPANISH : undefined);
    return result.success
      ? { ok: true, data: result.data }
      : { ok: false, invalid: invalidParamsOf(result.error, location) };
  } catch {
    return {
      ok: false,
      invalid: [
        {
          name: location,
          reason:
            lang === 'es'
              ? 'No es un valor válido: un campo trae un objeto donde se espera texto o un número.'
              : 'Not a valid value: a field holds an object where text or a number is expected.',
        },
      ],
    };
  }
}

/** Writes a problem+json response. */
export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').json(problem);
}

/** 404 for every route nobody handled. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: `no route for ${req.method} ${req.path}`,
    instance: req.originalUrl,
  });
};

const PARSER_ERRORS: Record<string, { type: string; detail: Bilingual }> = {
  'entity.too.large': {
    type: 'body-too-large',
    detail: { es: 'El cuerpo de la solicitud es demasiado grande.', en: 'The request body is too large.' },
  },
  'entity.parse.failed': {
    type: 'malformed-body',
    detail: { es: 'El cuerpo de la solicitud no es JSON válido.', en: 'The request body is not valid JSON.' },
  },
  'encoding.unsupported': {
    type: 'unsupported-encoding',
    detail: { es: 'Codificación no soportada.', en: 'Unsupported content encoding.' },
  },
  'charset.unsupported': {
    type: 'unsupported-encoding',
    detail: { es: 'Juego de caracteres no soportado.', en: 'Unsupported charset.' },
  },
};

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** gRPC status codes of an unreachable or overloaded Temporal frontend (UNAVAILABLE, DEADLINE_EXCEEDED). */
const GRPC_UNAVAILABLE = new Set([14, 4]);

/**
 * Whether an error means a dependency (Postgres, Temporal) is down rather than a bug: connection
 * errors, Postgres connection-class SQLSTATEs, gRPC UNAVAILABLE / DEADLINE_EXCEEDED; causes are followed.
 */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  if (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message)
  ) {
    return true;
  }
  return isUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Postgres refusing a value the request carried: text it cannot store (NUL in text or jsonb: 22P05
 * untranslatable_character, 22021 character_not_in_repertoire; bad Unicode escapes in jsonb: 22P02 / 22023
 * with a "Unicode" message), a number or instant out of its range (22003 numeric_value_out_of_range, 22008
 * datetime_field_overflow, 22009 invalid_time_zone_displacement_value, 22007 invalid_datetime_format). Requests are validated before they get here; this keeps anything that slips
 * through a 400, never a 500.
 */
export function isRefusedValue(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (['22P05', '22021', '22003', '22008', '22009', '22007'].includes(String(code))) return true;
  const message = (error as { message?: unknown } | null)?.message;
  return (code === '22P02' || code === '22023') && typeof message === 'string' && /unicode/i.test(message);
}

/** Turns thrown errors into problem+json; unknown errors become a 500 without internals. */
export const problemErrorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const lang = requestLanguage(req);
  if (error instanceof ProblemError) {
    for (const [name, value] of Object.entries(error.headers ?? {})) res.setHeader(name, value);
    if (error.localized) res.setHeader('Content-Language', lang);
    return sendProblem(res, {
      instance: req.originalUrl,
      ...error.problem,
      ...(error.localized && { detail: error.localized[lang] }),
    });
  }
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Errors raised by express' own parsers (malformed JSON, body too large, ...).
    const kind = (error as { type?: string }).type ?? '';
    const known = PARSER_ERRORS[kind];
    if (known) res.setHeader('Content-Language', lang);
    return sendProblem(res, {
      type: known ? `${PROBLEM_BASE}${known.type}` : 'about:blank',
      title: TITLES[status] ?? 'Bad Request',
      status,
      detail: known ? known.detail[lang] : (error as Error).message,
      instance: req.originalUrl,
    });
  }
  if (isRefusedValue(error)) {
    req.log?.warn({ err: error }, 'request value refused by Postgres');
    res.setHeader('Content-Language', lang);
    return sendProblem(res, {
      type: `${PROBLEM_BASE}validation`,
      title: 'Bad Request',
      status: 400,
      detail:
        lang === 'es'
          ? 'La solicitud contiene un valor que no se puede guardar (texto con NUL o sustitutos sueltos, o un número o fecha fuera de rango).'
          : 'The request holds a value that cannot be stored (text with NUL or unpaired surrogates, or a number or date out of range).',
      instance: req.originalUrl,
    });
  }
  if (isUnavailable(error)) {
    req.log?.warn({ err: error }, 'dependency unavailable');
    res.setHeader('Retry-After', '5');
    res.setHeader('Content-Language', lang);
    return sendProblem(res, {
      type: `${PROBLEM_BASE}unavailable`,
      title: 'Service Unavailable',
      status: 503,
      detail:
        lang === 'es'
          ? 'Un servicio del que dependemos no responde; reintente en unos segundos.'
          : 'A service we depend on is not answering; retry in a few seconds.',
      instance: req.originalUrl,
    });
  }
  req.log?.error({ err: error }, 'unhandled error');
  sendProblem(res, {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    instance: req.originalUrl,
  });
};
