// The API's errors: a stable code a client can branch on, and a message a person can read.
// Handlers throw HttpError; the server's error handler turns it into {error: {code, message}}.

export const ERROR_CODES = [
  'bad-request',
  'bad-query',
  'unauthenticated',
  'forbidden',
  'csrf-failed',
  'not-found',
  /** 404: the evidence exists but is deliberately not shown (a screenshot withheld for child abuse). */
  'withheld',
  'conflict',
  'payload-too-large',
  'rate-limited',
  'unavailable',
  'internal-error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;

  constructor(statusCode: number, code: ErrorCode, message: string) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
  }
}

export const notFound = (what: string) => new HttpError(404, 'not-found', `no such ${what}`);
export const badRequest = (message: string) => new HttpError(400, 'bad-request', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}
