export interface ApiIssue {
  path: string;
  message: string;
}

/** Codes the client invents itself, for failures that never reached the API. */
export const CLIENT_ERROR_CODES = {
  network: 'CLIENT_NETWORK_ERROR',
  badResponse: 'CLIENT_BAD_RESPONSE',
} as const;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    issues?: ApiIssue[];
    requestId?: string | null;
    retryAfterSeconds?: number | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.issues = init.issues ?? [];
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** Issues whose path names this field: `body.email` for `email`, `body.roles.0` for `roles`. */
  issuesFor(field: string): ApiIssue[] {
    return this.issues.filter(
      (issue) =>
        issue.path === field || issue.path.endsWith(`.${field}`) || issue.path.includes(`.${field}.`),
    );
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** Awaits a sign-out request; a session that had already expired (401) is as signed out as it needs to be. */
export async function signOutIgnoringExpiry(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!isApiError(error) || error.status !== 401) throw error;
  }
}

// Team members and viewers are separate principals with separate CSRF tokens;
// one browser tab can hold both (a host previewing the viewer page), so the
// token is chosen by which API the request goes to.
type CsrfScope = 'console' | 'viewer';
const csrfTokens: Record<CsrfScope, string | null> = { console: null, viewer: null };
const CSRF_COOKIE = 'onair_csrf';

export function setCsrfToken(scope: CsrfScope, token: string | null): void {
  csrfTokens[scope] = token;
}

function csrfScopeFor(path: string): CsrfScope {
  return path.startsWith('/api/viewer/') || path.startsWith('/api/live/') || path.startsWith('/api/pay/') ? 'viewer' : 'console';
}

function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

// Lets the auth layer notice an expired session from any request instead of
// every page checking for 401 itself.
type UnauthorizedListener = (path: string) => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Extra request headers (e.g. a guest's `x-guest-token`). */
  headers?: Record<string, string>;
}

function buildUrl(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    // Empty filters are omitted so the server applies its own defaults.
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseIssues(raw: unknown): ApiIssue[] {
  if (!Array.isArray(raw)) return [];
  const issues: ApiIssue[] = [];
  for (const item of raw) {
    if (isRecord(item) && typeof item.path === 'string' && typeof item.message === 'string') {
      issues.push({ path: item.path, message: item.message });
    }
  }
  return issues;
}

function parseRetryAfterHeader(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

async function toApiError(response: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // Proxies and crashed upstreams answer with HTML; fall through to a generic error.
  }
  const err = isRecord(payload) && isRecord(payload.error) ? payload.error : null;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    return new ApiError({
      status: response.status,
      code: err.code,
      message: err.message,
      issues: parseIssues(err.issues),
      requestId: typeof err.requestId === 'string' ? err.requestId : null,
      retryAfterSeconds:
        typeof err.retryAfterSeconds === 'number' ? err.retryAfterSeconds : parseRetryAfterHeader(response),
    });
  }
  return new ApiError({
    status: response.status,
    code: CLIENT_ERROR_CODES.badResponse,
    message: `HTTP ${String(response.status)}`,
    retryAfterSeconds: parseRetryAfterHeader(response),
  });
}

/** The CSRF token a write to `path` must carry (for requests made outside apiRequest, e.g. a raw upload). */
export function csrfTokenFor(path: string): string | null {
  return csrfTokens[csrfScopeFor(path)] ?? readCookie(CSRF_COOKIE);
}

export async function apiRequest<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfTokens[csrfScopeFor(path)] ?? readCookie(CSRF_COOKIE);
    if (token) headers['x-csrf-token'] = token;
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: CLIENT_ERROR_CODES.network, message: 'Network error' });
  }

  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401) for (const listener of unauthorizedListeners) listener(path);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({
      status: response.status,
      code: CLIENT_ERROR_CODES.badResponse,
      message: 'Response was not JSON',
    });
  }
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, 'body'>) => apiRequest<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    apiRequest<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, options?: RequestOptions) =>
    apiRequest<T>('PATCH', path, { ...options, body }),
  put: <T>(path: string, body: unknown, options?: RequestOptions) => apiRequest<T>('PUT', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => apiRequest<T>('DELETE', path, options),
};
