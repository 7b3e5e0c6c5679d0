/**
 * Typed client of the REST API (`/api/v1`, docs/api.md).
 *
 * Tokens: the access token is refreshed shortly before it expires (on a timer and before any
 * request that would use an almost-expired token); a 401 is retried exactly once after a
 * refresh. Refresh tokens rotate, so each refresh stores the new one; refreshes are
 * single-flight in this tab and serialized across tabs by the SessionStore.
 */
import type * as T from './apiTypes';
import { ApiError } from './errors';
import { Observable, type ReadonlyObservable } from './observable';
import { sessionFromAuthResult, type Session, type SessionStore } from './tokens';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  store: SessionStore;
  /** Origin + prefix, default '' (same origin). */
  baseUrl?: string;
  fetch?: FetchLike;
  now?: () => number;
  /** Refresh this long before expiry (ms). Default 60 s. */
  refreshLeewayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Makes the XMLHttpRequest of uploads with progress (default: the browser's, when there is one). */
  createXhr?: () => XMLHttpRequest;
}

export interface UploadOptions {
  /** The file name stored on the server (default: the Blob's `name` when it is a File). */
  name?: string;
  /** Bytes sent so far, of `total` (uses XMLHttpRequest: fetch() cannot report upload progress). */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/** A downloaded file: its bytes and the name from `Content-Disposition` (if any). */
export interface DownloadedFile {
  blob: Blob;
  fileName: string | null;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: BodyInit;
  contentType?: string;
  query?: Record<string, string | number | undefined | null>;
  /** Send the bearer token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

const API = '/api/v1';

/** Maps a non-2xx response to an ApiError (never throws itself). */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  const requestId = res.headers.get('x-request-id');
  const retryHeader = Number(res.headers.get('retry-after'));
  let code = `http_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: Record<string, unknown> | null = null;
  try {
    const body = (await res.json()) as Partial<T.ErrorBody>;
    if (body && typeof body === 'object' && body.error && typeof body.error.code === 'string') {
      code = body.error.code;
      if (typeof body.error.message === 'string') message = body.error.message;
      if (body.error.details && typeof body.error.details === 'object') details = body.error.details;
    }
  } catch {
    // not JSON: keep the HTTP status
  }
  const detailRetry = details && typeof details.retryAfter === 'number' ? details.retryAfter : null;
  const retryAfter = Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : detailRetry;
  return new ApiError(res.status, code, message, details, requestId, retryAfter);
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

/** The file name of a `Content-Disposition` header (`filename*=UTF-8''...` or `filename="..."`). */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(header);
  const name = plain ? (plain[1] ?? plain[2] ?? '').trim() : '';
  return name || null;
}

function headersFromXhr(raw: string): Headers {
  const h = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const i = line.indexOf(':');
    if (i > 0) h.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return h;
}

export class ApiClient {
  private readonly store: SessionStore;
  private readonly baseUrl: string;
  private readonly fetchFn: FetchLike;
  private readonly now: () => number;
  private readonly leeway: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (h: unknown) => void;
  private readonly createXhr: (() => XMLHttpRequest) | null;
  private refreshing: Promise<Session> | null = null;
  private timer: unknown = null;
  private readonly sessionObs: Observable<Session | null>;

  constructor(opts: ApiClientOptions) {
    this.store = opts.store;
    this.baseUrl = opts.baseUrl ?? '';
    this.fetchFn = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = opts.now ?? Date.now;
    this.leeway = opts.refreshLeewayMs ?? 60_000;
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.createXhr = opts.createXhr ?? (typeof XMLHttpRequest === 'undefined' ? null : () => new XMLHttpRequest());
    this.sessionObs = new Observable<Session | null>(this.store.load());
    this.store.subscribe((s) => {
      this.sessionObs.set(s);
      this.schedule();
    });
  }

  /** The current session (null when signed out). */
  get session(): ReadonlyObservable<Session | null> {
    return this.sessionObs;
  }

  /** Starts refreshing the access token ahead of its expiry. */
  startAutoRefresh(): void {
    this.schedule();
  }

  stopAutoRefresh(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private setSession(session: Session | null): void {
    this.store.save(session);
    this.sessionObs.set(session);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const s = this.sessionObs.get();
    if (!s) return;
    const delay = Math.max(0, s.expiresAt - this.leeway - this.now());
    this.timer = this.setTimer(() => {
      this.timer = null;
      const current = this.sessionObs.get();
      if (current) this.refresh(current.refreshToken).catch(() => undefined);
    }, delay);
  }

  /**
   * Exchanges the refresh token for a new pair. `stale` is the refresh token the caller
   * saw: if another tab already rotated it, the newer session is used instead.
   */
  refresh(stale?: string, organizationId?: string): Promise<Session> {
    if (this.refreshing) return this.refreshing;
    const run = this.store.runExclusive(async () => {
      const current = this.store.load() ?? this.sessionObs.get();
      if (!current) throw new ApiError(401, 'unauthorized', 'Signed out.');
      if (
        stale !== undefined &&
        current.refreshToken !== stale &&
        current.expiresAt - this.leeway > this.now() &&
        organizationId === undefined
      ) {
        this.sessionObs.set(current); // another tab refreshed meanwhile
        this.schedule();
        return current;
      }
      const body: T.RefreshRequest = { refreshToken: current.refreshToken };
      if (organizationId) body.organizationId = organizationId;
      let res: Response;
      try {
        res = await this.fetchFn(this.baseUrl + API + '/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
      } catch {
        throw new ApiError(0, 'network_error', 'Network error');
      }
      if (!res.ok) {
        const err = await errorFromResponse(res);
        if (res.status === 401) this.setSession(null); // refresh token revoked or expired
        throw err;
      }
      const result = (await res.json()) as T.AuthResult;
      const session = sessionFromAuthResult(result, this.now());
      this.setSession(session);
      return session;
    });
    this.refreshing = run;
    const clear = () => {
      if (this.refreshing === run) this.refreshing = null;
    };
    run.then(clear, clear);
    return run;
  }

  /** A usable access token (refreshed if about to expire), or null when signed out. */
  async getAccessToken(opts: { forceRefresh?: boolean } = {}): Promise<string | null> {
    const s = this.sessionObs.get();
    if (!s) return null;
    if (opts.forceRefresh || s.expiresAt - this.leeway <= this.now()) {
      return (await this.refresh(s.refreshToken)).accessToken;
    }
    return s.accessToken;
  }

  private url(path: string, query?: RequestOptions['query']): string {
    let url = this.baseUrl + API + path;
    if (query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
      const qs = q.toString();
      if (qs) url += '?' + qs;
    }
    return url;
  }

  private async send(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
    const url = this.url(path, opts.query);
    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: BodyInit | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      headers['Content-Type'] = opts.contentType ?? 'application/octet-stream';
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchFn(url, { method, headers, body, signal: opts.signal });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network_error', 'Network error');
    }
  }

  /**
   * Runs `sendWith(token)`; on a 401 refreshes the access token and runs it once more.
   * Resolves with a 2xx response, else throws the ApiError of the response.
   */
  private async authorized(sendWith: (token: string | null) => Promise<Response>, auth = true): Promise<Response> {
    let token: string | null = null;
    let usedRefresh: string | undefined;
    if (auth) {
      const s = this.sessionObs.get();
      if (!s) throw new ApiError(401, 'unauthorized', 'Sign in to continue.');
      usedRefresh = s.refreshToken;
      token = (await this.getAccessToken()) ?? null;
      usedRefresh = this.sessionObs.get()?.refreshToken ?? usedRefresh;
    }
    let res = await sendWith(token);
    if (res.status === 401 && auth) {
      // retry once with a fresh access token
      const s = await this.refresh(usedRefresh);
      res = await sendWith(s.accessToken);
    }
    if (!res.ok) throw await errorFromResponse(res);
    return res;
  }

  /** Sends a request; JSON in and out; throws ApiError on any non-2xx. */
  async request<R>(method: string, path: string, opts: RequestOptions = {}): Promise<R> {
    const res = await this.authorized((token) => this.send(method, path, opts, token), opts.auth ?? true);
    if (res.status === 204) return undefined as R;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as R;
  }

  private async listAll<I>(path: string, query: RequestOptions['query'] = {}, maxPages = 20): Promise<I[]> {
    const out: I[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const res: T.ListEnvelope<I> = await this.request<T.ListEnvelope<I>>('GET', path, {
        query: { ...query, limit: 100, cursor },
      });
      out.push(...res.items);
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return out;
  }

  // ---- auth --------------------------------------------------------------------------

  async signup(body: T.SignupRequest): Promise<Session> {
    const r = await this.request<T.AuthResult>('POST', '/auth/signup', { body, auth: false });
    const s = sessionFromAuthResult(r, this.now());
    this.setSession(s);
    return s;
  }

  async login(body: T.LoginRequest): Promise<Session> {
    const r = await this.request<T.AuthResult>('POST', '/auth/login', { body, auth: false });
    const s = sessionFromAuthResult(r, this.now());
    this.setSession(s);
    return s;
  }

  /** Revokes the refresh token on the server (best effort) and forgets the session. */
  async logout(): Promise<void> {
    const s = this.sessionObs.get();
    this.setSession(null);
    if (!s) return;
    try {
      await this.request<void>('POST', '/auth/logout', { body: { refreshToken: s.refreshToken }, auth: false });
    } catch {
      // already signed out locally
    }
  }

  /** Drops the local session without calling the server. */
  forgetSession(): void {
    this.setSession(null);
  }

  me(): Promise<T.Me> {
    return this.request('GET', '/me');
  }

  // ---- organizations -----------------------------------------------------------------

  createOrganization(body: T.CreateOrganizationRequest): Promise<T.Organization> {
    return this.request('POST', '/organizations', { body });
  }
  listOrganizations(): Promise<T.Organization[]> {
    return this.listAll('/organizations');
  }
  getOrganization(orgId: string): Promise<T.Organization> {
    return this.request('GET', `/organizations/${enc(orgId)}`);
  }
  updateOrganization(orgId: string, body: T.UpdateOrganizationRequest): Promise<T.Organization> {
    return this.request('PATCH', `/organizations/${enc(orgId)}`, { body });
  }

  // ---- workspaces & rooms ------------------------------------------------------------

  createWorkspace(orgId: string, body: T.CreateWorkspaceRequest): Promise<T.Workspace> {
    return this.request('POST', `/organizations/${enc(orgId)}/workspaces`, { body });
  }
  listWorkspaces(orgId: string): Promise<T.Workspace[]> {
    return this.listAll(`/organizations/${enc(orgId)}/workspaces`);
  }
  updateWorkspace(workspaceId: string, body: T.UpdateWorkspaceRequest): Promise<T.Workspace> {
    return this.request('PATCH', `/workspaces/${enc(workspaceId)}`, { body });
  }
  deleteWorkspace(workspaceId: string): Promise<void> {
    return this.request('DELETE', `/workspaces/${enc(workspaceId)}`);
  }
  createRoom(workspaceId: string, body: T.CreateRoomRequest): Promise<T.Room> {
    return this.request('POST', `/workspaces/${enc(workspaceId)}/rooms`, { body });
  }
  listOrganizationRooms(orgId: string, query: { workspaceId?: string; status?: T.RoomStatus } = {}): Promise<T.Room[]> {
    return this.listAll(`/organizations/${enc(orgId)}/rooms`, query);
  }
  getRoom(roomId: string): Promise<T.Room> {
    return this.request('GET', `/rooms/${enc(roomId)}`);
  }
  updateRoom(roomId: string, body: T.UpdateRoomRequest): Promise<T.Room> {
    return this.request('PATCH', `/rooms/${enc(roomId)}`, { body });
  }
  deleteRoom(roomId: string): Promise<void> {
    return this.request('DELETE', `/rooms/${enc(roomId)}`);
  }

  // ---- members & invitations ---------------------------------------------------------

  listMembers(orgId: string): Promise<T.Member[]> {
    return this.listAll(`/organizations/${enc(orgId)}/members`);
  }
  updateMember(orgId: string, userId: string, body: T.UpdateMemberRequest): Promise<T.Member> {
    return this.request('PATCH', `/organizations/${enc(orgId)}/members/${enc(userId)}`, { body });
  }
  removeMember(orgId: string, userId: string): Promise<void> {
    return this.request('DELETE', `/organizations/${enc(orgId)}/members/${enc(userId)}`);
  }
  createInvitation(orgId: string, body: T.CreateInvitationRequest): Promise<T.Invitation> {
    return this.request('POST', `/organizations/${enc(orgId)}/invitations`, { body });
  }
  listInvitations(orgId: string): Promise<T.Invitation[]> {
    return this.listAll(`/organizations/${enc(orgId)}/invitations`);
  }
  revokeInvitation(orgId: string, invitationId: string): Promise<void> {
    return this.request('DELETE', `/organizations/${enc(orgId)}/invitations/${enc(invitationId)}`);
  }
  previewInvitation(token: string): Promise<T.InvitationPreview> {
    return this.request('GET', `/invitations/${enc(token)}`, { auth: false });
  }
  acceptInvitation(token: string): Promise<T.Member> {
    return this.request('POST', `/invitations/${enc(token)}/accept`);
  }

  // ---- plans, usage, keys, audit -----------------------------------------------------

  getUsage(orgId: string): Promise<T.Usage> {
    return this.request('GET', `/organizations/${enc(orgId)}/usage`);
  }
  changePlan(orgId: string, body: T.ChangePlanRequest): Promise<T.PlanChangeResult> {
    return this.request('PUT', `/organizations/${enc(orgId)}/plan`, { body });
  }
  async listPlans(): Promise<T.Plan[]> {
    return (await this.request<{ items: T.Plan[] }>('GET', '/plans', { auth: false })).items;
  }
  createApiKey(orgId: string, body: T.CreateApiKeyRequest): Promise<T.ApiKeyCreated> {
    return this.request('POST', `/organizations/${enc(orgId)}/api-keys`, { body });
  }
  listApiKeys(orgId: string): Promise<T.ApiKey[]> {
    return this.listAll(`/organizations/${enc(orgId)}/api-keys`);
  }
  revokeApiKey(orgId: string, keyId: string): Promise<void> {
    return this.request('DELETE', `/organizations/${enc(orgId)}/api-keys/${enc(keyId)}`);
  }
  listAuditLog(orgId: string, query: { action?: string; cursor?: string | null; limit?: number } = {}): Promise<T.ListEnvelope<T.AuditEntry>> {
    return this.request('GET', `/organizations/${enc(orgId)}/audit-log`, { query: { limit: 50, ...query } });
  }
  getAnalytics(orgId: string): Promise<T.Analytics> {
    return this.request('GET', `/organizations/${enc(orgId)}/analytics`);
  }

  // ---- files ---------------------------------------------------------------------------

  listRoomFiles(roomId: string): Promise<T.FileInfo[]> {
    return this.listAll(`/rooms/${enc(roomId)}/files`);
  }
  getFile(fileId: string): Promise<T.FileInfo> {
    return this.request('GET', `/files/${enc(fileId)}`);
  }
  deleteFile(fileId: string): Promise<void> {
    return this.request('DELETE', `/files/${enc(fileId)}`);
  }

  /** The bytes of a file (the endpoint needs the bearer token, so no plain link). */
  async downloadFile(fileId: string, signal?: AbortSignal): Promise<DownloadedFile> {
    const path = `/files/${enc(fileId)}/content`;
    const res = await this.authorized((token) => this.send('GET', path, { signal }, token));
    return { blob: await res.blob(), fileName: fileNameFromDisposition(res.headers.get('content-disposition')) };
  }

  /**
   * Uploads raw bytes to a room (`POST /rooms/{roomId}/files?name=`); the Blob's type is
   * stored as the file's Content-Type. With `onProgress` (and a browser) the bytes go through
   * XMLHttpRequest, which reports upload progress; otherwise through fetch.
   */
  async uploadFile(roomId: string, body: Blob, opts: UploadOptions = {}): Promise<T.FileInfo> {
    const name = opts.name ?? (typeof (body as Partial<File>).name === 'string' ? (body as File).name : '');
    const path = `/rooms/${enc(roomId)}/files`;
    const contentType = body.type || 'application/octet-stream';
    const xhr = opts.onProgress ? this.createXhr : null;
    const res = await this.authorized((token) =>
      xhr
        ? this.sendXhr(xhr(), 'POST', this.url(path, { name }), body, contentType, token, opts)
        : this.send('POST', path, { rawBody: body, contentType, query: { name }, signal: opts.signal }, token),
    );
    return (await res.json()) as T.FileInfo;
  }

  private sendXhr(xhr: XMLHttpRequest, method: string, url: string, body: Blob, contentType: string, token: string | null, opts: UploadOptions): Promise<Response> {
    return new Promise<Response>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new DOMException('Aborted', 'AbortError'));
        return;
      }
      const onAbort = () => xhr.abort();
      const done = () => opts.signal?.removeEventListener('abort', onAbort);
      xhr.open(method, url);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.setRequestHeader('Content-Type', contentType);
      if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => opts.onProgress?.(e.loaded, e.lengthComputable ? e.total : body.size);
      xhr.onload = () => {
        done();
        const noBody = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
        resolve(new Response(noBody ? null : xhr.responseText, { status: xhr.status, statusText: xhr.statusText, headers: headersFromXhr(xhr.getAllResponseHeaders()) }));
      };
      xhr.onerror = () => {
        done();
        reject(new ApiError(0, 'network_error', 'Network error'));
      };
      xhr.onabort = () => {
        done();
        reject(new DOMException('Aborted', 'AbortError'));
      };
      opts.signal?.addEventListener('abort', onAbort);
      xhr.send(body);
    });
  }
}
