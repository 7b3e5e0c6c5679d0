import { describe, expect, it } from 'vitest';
import { ApiClient, fileNameFromDisposition, type FetchLike } from './api';
import { ApiError } from './errors';
import { MemorySessionStore, type Session } from './tokens';

const user = { id: 'usr_1', email: 'a@example.com', displayName: 'A', createdAt: '2026-11-26T04:02:33Z' };
const session: Session = { accessToken: 'a1', refreshToken: 'r1', expiresAt: 10_000_000, user };
const stored = { id: 'file_1', organizationId: 'org_1', roomId: 'room_1', name: 'plan.pdf', contentType: 'application/pdf', sizeBytes: 3, uploadedBy: 'usr_1', createdAt: '2026-11-26T04:02:33Z' };

function client(fetch: FetchLike, createXhr?: () => XMLHttpRequest) {
  return new ApiClient({ store: new MemorySessionStore({ ...session }), fetch, now: () => 1_000, setTimer: () => 0, clearTimer: () => undefined, ...(createXhr ? { createXhr } : {}) });
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

/** A minimal XMLHttpRequest double: answers `status`/`body` after reporting progress in two steps. */
class FakeXhr {
  static last: FakeXhr | null = null;
  method = '';
  url = '';
  headers: Record<string, string> = {};
  sent: unknown = null;
  status = 0;
  statusText = '';
  responseText = '';
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  constructor(private readonly reply: { status: number; body: unknown; headers?: string } | 'network-error') {
    FakeXhr.last = this;
  }
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  getAllResponseHeaders() {
    return typeof this.reply === 'string' ? '' : (this.reply.headers ?? 'content-type: application/json\r\n');
  }
  abort() {
    this.onabort?.();
  }
  send(body: Blob) {
    this.sent = body;
    queueMicrotask(() => {
      this.upload.onprogress?.({ loaded: Math.floor(body.size / 2), total: body.size, lengthComputable: true });
      this.upload.onprogress?.({ loaded: body.size, total: body.size, lengthComputable: true });
      if (this.reply === 'network-error') {
        this.onerror?.();
        return;
      }
      this.status = this.reply.status;
      this.responseText = JSON.stringify(this.reply.body);
      this.onload?.();
    });
  }
}

describe('files client', () => {
  it('uploads raw bytes with the name in the query and the Blob type as Content-Type (fetch)', async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const api = client(async (url, init) => {
      calls.push({ url, init });
      return json(201, stored);
    });
    const f = await api.uploadFile('room_1', new Blob(['abc'], { type: 'application/pdf' }), { name: 'my plan.pdf' });
    expect(f.id).toBe('file_1');
    expect(calls[0]!.url).toBe('/api/v1/rooms/room_1/files?name=my+plan.pdf');
    expect(calls[0]!.init?.method).toBe('POST');
    const h = calls[0]!.init?.headers as Record<string, string>;
    expect(h['Content-Type']).toBe('application/pdf');
    expect(h.Authorization).toBe('Bearer a1');
    expect(calls[0]!.init?.body).toBeInstanceOf(Blob);
  });

  it('reports progress through XMLHttpRequest and parses the stored file', async () => {
    const progress: [number, number][] = [];
    const api = client(async () => json(500, {}), () => new FakeXhr({ status: 201, body: stored }) as unknown as XMLHttpRequest);
    const f = await api.uploadFile('room_1', new Blob(['abcdef']), { name: 'x.bin', onProgress: (l, t) => progress.push([l, t]) });
    expect(f).toEqual(stored);
    expect(progress).toEqual([[3, 6], [6, 6]]);
    expect(FakeXhr.last!.url).toBe('/api/v1/rooms/room_1/files?name=x.bin');
    expect(FakeXhr.last!.headers).toMatchObject({ Authorization: 'Bearer a1', 'Content-Type': 'application/octet-stream' });
  });

  it('turns a 402/413/429 XHR answer into an ApiError with the server message and Retry-After', async () => {
    const api = client(async () => json(500, {}), () =>
      new FakeXhr({ status: 429, body: { error: { code: 'rate_limited', message: 'upload limit', details: { retryAfter: 60 } } }, headers: 'Content-Type: application/json\r\nRetry-After: 60\r\n' }) as unknown as XMLHttpRequest);
    const err = await api.uploadFile('room_1', new Blob(['a']), { name: 'a', onProgress: () => undefined }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limited', message: 'upload limit', retryAfter: 60 });
  });

  it('an XHR network failure is a network_error', async () => {
    const api = client(async () => json(500, {}), () => new FakeXhr('network-error') as unknown as XMLHttpRequest);
    await expect(api.uploadFile('room_1', new Blob(['a']), { name: 'a', onProgress: () => undefined })).rejects.toMatchObject({ code: 'network_error' });
  });

  it('downloads bytes with the bearer token, retrying once after a refresh', async () => {
    const seen: string[] = [];
    const api = client(async (url, init) => {
      const auth = (init?.headers as Record<string, string>).Authorization ?? '';
      seen.push(`${url} ${auth}`);
      if (url.endsWith('/auth/refresh')) return json(200, { accessToken: 'a2', refreshToken: 'r2', expiresIn: 900, tokenType: 'Bearer', user });
      if (auth !== 'Bearer a2') return json(401, { error: { code: 'unauthorized', message: 'expired' } });
      return new Response(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'attachment; filename="plan.pdf"' } });
    });
    const { blob, fileName } = await api.downloadFile('file_1');
    expect(fileName).toBe('plan.pdf');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([1, 2, 3]);
    expect(seen).toEqual(['/api/v1/files/file_1/content Bearer a1', '/api/v1/auth/refresh ', '/api/v1/files/file_1/content Bearer a2']);
  });

  it('lists all pages and deletes', async () => {
    const urls: string[] = [];
    const api = client(async (url, init) => {
      urls.push(`${init?.method} ${url}`);
      if (init?.method === 'DELETE') return new Response(null, { status: 204 });
      return url.includes('cursor=c1') ? json(200, { items: [{ ...stored, id: 'file_2' }], nextCursor: null }) : json(200, { items: [stored], nextCursor: 'c1' });
    });
    expect((await api.listRoomFiles('room_1')).map((f) => f.id)).toEqual(['file_1', 'file_2']);
    await api.deleteFile('file_1');
    expect(urls).toEqual(['GET /api/v1/rooms/room_1/files?limit=100', 'GET /api/v1/rooms/room_1/files?limit=100&cursor=c1', 'DELETE /api/v1/files/file_1']);
  });

  it('a 403 on delete is thrown as forbidden', async () => {
    const api = client(async () => json(403, { error: { code: 'forbidden', message: 'missing permission', details: { permission: 'manage_organization' } } }));
    await expect(api.deleteFile('file_1')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('fileNameFromDisposition', () => {
  it.each([
    ['attachment; filename="a b.pdf"', 'a b.pdf'],
    ['attachment; filename=plain.txt', 'plain.txt'],
    ["attachment; filename*=UTF-8''%E2%82%AC%20rates.csv", '€ rates.csv'],
    ['attachment', null],
    [null, null],
  ])('%s', (h, name) => expect(fileNameFromDisposition(h)).toBe(name));
});
