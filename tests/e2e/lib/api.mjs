// REST helpers (docs/api.md). Each simulated user has its own X-Forwarded-For address (the
// server runs with --trust-proxy), so per-IP/per-user limits never mix users.
//
//   const host = await signup(srv, 'host');
//   const org = await host.createOrg({ plan: 'business' });
//   const ws = await host.createWorkspace(org.id);
//   const room = await host.createRoom(ws.id);
//   const viewer = await inviteMember(srv, host, org.id, 'viewer');
import crypto from 'node:crypto';

export const PASSWORD = 'Correct-Horse-Battery-42';

let ipCounter = 0;
const ipBase = crypto.randomInt(1, 200);
/** A distinct client address per simulated user (only ever sent as a header). */
export function nextIp() {
  ipCounter += 1;
  const n = ipCounter;
  return `10.${ipBase}.${(n >> 8) & 255}.${(n & 255) || 1}`;
}

export function uniqueEmail(tag = 'user') {
  return `${tag}-${crypto.randomBytes(6).toString('hex')}@example.com`;
}

export class ApiError extends Error {
  constructor(what, res) {
    super(`${what}: HTTP ${res.status} ${JSON.stringify(res.body)?.slice(0, 800)}`);
    this.res = res;
    this.status = res.status;
  }
}

/** One HTTP request; returns {status, body (parsed JSON or null), headers, text}. */
export async function request(baseUrl, method, path, { body, token, ip, headers = {}, timeoutMs = 30_000 } = {}) {
  const h = { ...headers };
  if (ip) h['X-Forwarded-For'] = ip;
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['Content-Type'] = 'application/json';
  }
  const r = await fetch(baseUrl + path, { method, headers: h, body: payload, signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  let parsed = null;
  if (text && (r.headers.get('content-type') || '').includes('json')) {
    try { parsed = JSON.parse(text); } catch { parsed = null; }
  }
  return { status: r.status, body: parsed, headers: r.headers, text };
}

async function expectStatus(promise, status, what) {
  const res = await promise;
  if (res.status !== status) throw new ApiError(`${what} (expected ${status})`, res);
  return res.body;
}

export class User {
  constructor(srv, { email, password, displayName, auth, ip }) {
    this.srv = srv;
    this.email = email;
    this.password = password;
    this.displayName = displayName;
    this.ip = ip;
    this.setAuth(auth);
  }

  setAuth(auth) {
    this.auth = auth;
    this.token = auth.accessToken;
    this.refreshToken = auth.refreshToken;
    this.id = auth.user.id;
  }

  api(method, path, body, opts = {}) {
    return request(this.srv.url, method, path, { body, token: this.token, ip: this.ip, ...opts });
  }

  /** Refreshes the session so that the access token names orgId (app_metadata.organization_id). */
  async useOrg(orgId) {
    const auth = await expectStatus(request(this.srv.url, 'POST', '/api/v1/auth/refresh',
      { body: { refreshToken: this.refreshToken, organizationId: orgId }, ip: this.ip }), 200, `refresh for ${orgId}`);
    this.setAuth(auth);
    return auth;
  }

  async login() {
    const auth = await login(this.srv, this.email, this.password, this.ip);
    this.setAuth(auth);
    return auth;
  }

  async createOrg({ name, plan } = {}) {
    const org = await expectStatus(this.api('POST', '/api/v1/organizations',
      { name: name || `Org ${crypto.randomBytes(4).toString('hex')}` }), 201, 'create organization');
    await this.useOrg(org.id);
    if (plan && plan !== 'starter') {
      await this.setPlan(org.id, plan);
      org.plan = plan;
    }
    return org;
  }

  setPlan(orgId, plan, acceptOverLimit) {
    const body = { plan };
    if (acceptOverLimit !== undefined) body.acceptOverLimit = acceptOverLimit;
    return expectStatus(this.api('PUT', `/api/v1/organizations/${orgId}/plan`, body), 200, `set plan ${plan}`);
  }

  createWorkspace(orgId, name) {
    return expectStatus(this.api('POST', `/api/v1/organizations/${orgId}/workspaces`,
      { name: name || `Workspace ${crypto.randomBytes(4).toString('hex')}` }), 201, 'create workspace');
  }

  createRoom(workspaceId, name) {
    return expectStatus(this.api('POST', `/api/v1/workspaces/${workspaceId}/rooms`,
      { name: name || `Room ${crypto.randomBytes(4).toString('hex')}` }), 201, 'create room');
  }

  getRoom(roomId) {
    return expectStatus(this.api('GET', `/api/v1/rooms/${roomId}`), 200, 'get room');
  }

  invite(orgId, email, role) {
    return expectStatus(this.api('POST', `/api/v1/organizations/${orgId}/invitations`, { email, role }), 201,
      `invite ${email} as ${role}`);
  }

  accept(invitationToken) {
    return expectStatus(this.api('POST', `/api/v1/invitations/${encodeURIComponent(invitationToken)}/accept`), 200,
      'accept invitation');
  }
}

export async function signup(srv, tag = 'user', { email, password = PASSWORD, displayName } = {}) {
  const ip = nextIp();
  email = email || uniqueEmail(tag);
  displayName = displayName || `${tag[0].toUpperCase()}${tag.slice(1)} ${crypto.randomBytes(2).toString('hex')}`;
  const auth = await expectStatus(request(srv.url, 'POST', '/api/v1/auth/signup',
    { body: { email, password, displayName }, ip }), 201, `signup ${email}`);
  return new User(srv, { email, password, displayName, auth, ip });
}

export function login(srv, email, password = PASSWORD, ip = nextIp()) {
  return expectStatus(request(srv.url, 'POST', '/api/v1/auth/login', { body: { email, password }, ip }), 200,
    `login ${email}`);
}

/** A new user invited by `owner` into orgId with `role`, who signs up, accepts, and uses that org. */
export async function inviteMember(srv, owner, orgId, role, tag) {
  const email = uniqueEmail(tag || role);
  const inv = await owner.invite(orgId, email, role);
  if (!inv.token) throw new Error(`invitation has no token: ${JSON.stringify(inv)}`);
  const user = await signup(srv, tag || role, { email });
  await user.accept(inv.token);
  await user.useOrg(orgId);
  return user;
}

/** Host + organization (with plan) + workspace + room. */
export async function setupRoom(srv, { plan = 'business', tag = 'host' } = {}) {
  const host = await signup(srv, tag);
  const org = await host.createOrg({ plan });
  const workspace = await host.createWorkspace(org.id);
  const room = await host.createRoom(workspace.id);
  return { host, org, workspace, room };
}
