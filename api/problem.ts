import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

/** One field that failed validation: its path in the request and the reason. */
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

/** An error that knows the problem document to answer with. */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
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

/** Turns thrown errors into problem+json; unknown errors become a 500 without internals. */
export const problemErrorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  if (error instanceof ProblemError) return sendProblem(res, { instance: req.originalUrl, ...error.problem });
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Errors raised by express' own parsers (malformed JSON, body too large, ...).
    return sendProblem(res, {
      type: 'about:blank',
      title: (error as { type?: string }).type ?? 'Bad Request',
      status,
      detail: (error as Error).message,
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
