/** Typed application errors: services throw these; one handler maps kind -> HTTP status. */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal';

export interface FieldIssue {
  path: string;
  message: string;
}

export const statusOfKind: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

export interface AppErrorDetails {
  /** Stable machine-readable code, e.g. INVALID_CREDENTIALS. */
  code?: string;
  issues?: FieldIssue[];
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly code: string;
  readonly issues: FieldIssue[] | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(
    public readonly kind: ErrorKind,
    message: string,
    details: AppErrorDetails = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = details.code ?? kind.toUpperCase();
    this.issues = details.issues;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
  get status(): number {
    return statusOfKind[this.kind];
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`, { code: 'NOT_FOUND' });
export const forbidden = (message = 'You do not have permission for this action'): AppError =>
  new AppError('forbidden', message, { code: 'FORBIDDEN' });
export const invalid = (path: string, message: string): AppError =>
  new AppError('validation', `${path}: ${message}`, { code: 'VALIDATION', issues: [{ path, message }] });
