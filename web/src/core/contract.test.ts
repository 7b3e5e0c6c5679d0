/**
 * Contract checks: the TypeScript types of apiTypes.ts / protocol.ts against
 * docs/api/openapi.yaml and the JSON Schemas of docs/protocol.md.
 *
 * Each `Spec<T>` literal below is checked by the compiler against the TS type (every key,
 * and whether it is optional), and by this test against the documents (same property names,
 * same required list). So a drift on either side fails `tsc` or `npm test`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { extractSchemas } from '../../scripts/extract-protocol-schemas.mjs';
import type * as A from './apiTypes';
import type * as P from './protocol';
import { SCHEMAS, validate, type Schema } from './protocol';
import schemasJson from './protocolSchemas.json';
import { serverFixtures } from './protocolFixtures';

type Spec<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? 'optional' : 'required' };

const docsPath = (p: string) => fileURLToPath(new URL(`../../../docs/${p}`, import.meta.url));

// ---- REST ----------------------------------------------------------------------------------

const apiSpecs: Record<string, Record<string, 'optional' | 'required'>> = {
  User: { id: 'required', email: 'required', displayName: 'required', createdAt: 'required' } satisfies Spec<A.User>,
  SignupRequest: { email: 'required', password: 'required', displayName: 'required' } satisfies Spec<A.SignupRequest>,
  LoginRequest: { email: 'required', password: 'required' } satisfies Spec<A.LoginRequest>,
  RefreshRequest: { refreshToken: 'required', organizationId: 'optional' } satisfies Spec<A.RefreshRequest>,
  LogoutRequest: { refreshToken: 'required' } satisfies Spec<A.LogoutRequest>,
  AuthResult: { accessToken: 'required', refreshToken: 'required', expiresIn: 'required', tokenType: 'required', user: 'required' } satisfies Spec<A.AuthResult>,
  Me: { user: 'required', organizations: 'required' } satisfies Spec<A.Me>,
  Organization: {
    id: 'required', name: 'required', slug: 'required', plan: 'required', ownerId: 'required',
    stripeCustomerId: 'optional', createdAt: 'required', role: 'required',
  } satisfies Spec<A.Organization>,
  CreateOrganizationRequest: { name: 'required' } satisfies Spec<A.CreateOrganizationRequest>,
  UpdateOrganizationRequest: { name: 'optional' } satisfies Spec<A.UpdateOrganizationRequest>,
  Workspace: { id: 'required', organizationId: 'required', name: 'required', description: 'required', createdAt: 'required' } satisfies Spec<A.Workspace>,
  CreateWorkspaceRequest: { name: 'required', description: 'optional' } satisfies Spec<A.CreateWorkspaceRequest>,
  UpdateWorkspaceRequest: { name: 'optional', description: 'optional' } satisfies Spec<A.UpdateWorkspaceRequest>,
  Room: {
    id: 'required', organizationId: 'required', workspaceId: 'required', name: 'required', description: 'required',
    status: 'required', createdBy: 'required', createdAt: 'required', updatedAt: 'required', viewerCount: 'required',
  } satisfies Spec<A.Room>,
  CreateRoomRequest: { name: 'required', description: 'optional' } satisfies Spec<A.CreateRoomRequest>,
  UpdateRoomRequest: { name: 'optional', description: 'optional', status: 'optional' } satisfies Spec<A.UpdateRoomRequest>,
  Member: { userId: 'required', organizationId: 'required', email: 'required', displayName: 'required', role: 'required', joinedAt: 'required' } satisfies Spec<A.Member>,
  UpdateMemberRequest: { role: 'required' } satisfies Spec<A.UpdateMemberRequest>,
  Invitation: {
    id: 'required', organizationId: 'required', email: 'required', role: 'required', status: 'required',
    invitedBy: 'required', createdAt: 'required', expiresAt: 'required', token: 'optional', acceptUrl: 'optional',
  } satisfies Spec<A.Invitation>,
  InvitationPreview: { organizationName: 'required', email: 'required', role: 'required', status: 'required', expiresAt: 'required' } satisfies Spec<A.InvitationPreview>,
  CreateInvitationRequest: { email: 'required', role: 'required' } satisfies Spec<A.CreateInvitationRequest>,
  PlanFeatures: {
    recording: 'required', analytics: 'required', apiAccess: 'required', customBranding: 'required', sso: 'required',
    auditLogs: 'required', support: 'optional',
  } satisfies Spec<A.PlanFeatures>,
  PlanLimits: { workspaces: 'required', rooms: 'required', hosts: 'required', viewers: 'required', storageBytes: 'required' } satisfies Spec<A.PlanLimits>,
  Limits: {
    workspaces: 'required', rooms: 'required', hosts: 'required', viewers: 'required', storageBytes: 'required', features: 'required',
  } satisfies Spec<A.Limits>,
  Plan: { id: 'required', name: 'required', displayName: 'required', priceUsdMonth: 'optional', limits: 'required', features: 'required' } satisfies Spec<A.Plan>,
  Usage: { plan: 'required', limits: 'required', usage: 'required' } satisfies Spec<A.Usage>,
  OverLimit: { limit: 'required', max: 'required', current: 'required' } satisfies Spec<A.OverLimit>,
  ChangePlanRequest: { plan: 'required', acceptOverLimit: 'optional' } satisfies Spec<A.ChangePlanRequest>,
  PlanChangeResult: { organization: 'required', usage: 'required', overLimits: 'required' } satisfies Spec<A.PlanChangeResult>,
  ApiKey: {
    id: 'required', organizationId: 'required', name: 'required', prefix: 'required', createdBy: 'required',
    createdAt: 'required', lastUsedAt: 'required', revokedAt: 'required',
  } satisfies Spec<A.ApiKey>,
  ApiKeyCreated: {
    id: 'required', organizationId: 'required', name: 'required', prefix: 'required', createdBy: 'required',
    createdAt: 'required', lastUsedAt: 'required', revokedAt: 'required', key: 'required',
  } satisfies Spec<A.ApiKeyCreated>,
  CreateApiKeyRequest: { name: 'required' } satisfies Spec<A.CreateApiKeyRequest>,
  AuditEntry: {
    id: 'required', organizationId: 'required', actorId: 'required', actorEmail: 'optional', action: 'required',
    targetType: 'required', targetId: 'required', details: 'optional', ip: 'optional', userAgent: 'optional',
    requestId: 'optional', createdAt: 'required',
  } satisfies Spec<A.AuditEntry>,
  File: {
    id: 'required', organizationId: 'required', roomId: 'required', name: 'required', contentType: 'required',
    sizeBytes: 'required', uploadedBy: 'required', createdAt: 'required',
  } satisfies Spec<A.FileInfo>,
  Analytics: { level: 'required', rooms: 'required', workspaces: 'required', members: 'required', liveViewers: 'optional', storageBytes: 'required' } satisfies Spec<A.Analytics>,
};

interface YamlSchema {
  required?: string[];
  properties?: Record<string, unknown>;
  allOf?: (YamlSchema | { $ref: string })[];
}

describe('REST types match docs/api/openapi.yaml', () => {
  const doc = parseYaml(readFileSync(docsPath('api/openapi.yaml'), 'utf8')) as {
    components: { schemas: Record<string, YamlSchema> };
    paths: Record<string, Record<string, unknown>>;
  };
  const schemas = doc.components.schemas;

  function flatten(s: YamlSchema): { props: Set<string>; required: Set<string> } {
    const props = new Set(Object.keys(s.properties ?? {}));
    const required = new Set(s.required ?? []);
    for (const part of s.allOf ?? []) {
      const resolved = '$ref' in part ? schemas[part.$ref.split('/').pop()!]! : part;
      const f = flatten(resolved as YamlSchema);
      f.props.forEach((p) => props.add(p));
      f.required.forEach((r) => required.add(r));
    }
    return { props, required };
  }

  it.each(Object.entries(apiSpecs))('%s', (name, spec) => {
    const schema = schemas[name];
    expect(schema, `schema ${name} missing from openapi.yaml`).toBeDefined();
    const { props, required } = flatten(schema!);
    expect(Object.keys(spec).sort()).toEqual([...props].sort());
    const ours = Object.entries(spec).filter(([, v]) => v === 'required').map(([k]) => k).sort();
    expect(ours).toEqual([...required].sort());
  });

  it('every path the client calls exists in the spec with that method', () => {
    const calls: [string, string][] = [
      ['post', '/api/v1/auth/signup'], ['post', '/api/v1/auth/login'], ['post', '/api/v1/auth/refresh'],
      ['post', '/api/v1/auth/logout'], ['get', '/api/v1/me'], ['post', '/api/v1/organizations'],
      ['get', '/api/v1/organizations'], ['get', '/api/v1/organizations/{orgId}'], ['patch', '/api/v1/organizations/{orgId}'],
      ['post', '/api/v1/organizations/{orgId}/workspaces'], ['get', '/api/v1/organizations/{orgId}/workspaces'],
      ['patch', '/api/v1/workspaces/{workspaceId}'], ['delete', '/api/v1/workspaces/{workspaceId}'],
      ['post', '/api/v1/workspaces/{workspaceId}/rooms'], ['get', '/api/v1/organizations/{orgId}/rooms'],
      ['get', '/api/v1/rooms/{roomId}'], ['patch', '/api/v1/rooms/{roomId}'], ['delete', '/api/v1/rooms/{roomId}'],
      ['get', '/api/v1/organizations/{orgId}/members'], ['patch', '/api/v1/organizations/{orgId}/members/{userId}'],
      ['delete', '/api/v1/organizations/{orgId}/members/{userId}'], ['post', '/api/v1/organizations/{orgId}/invitations'],
      ['get', '/api/v1/organizations/{orgId}/invitations'], ['delete', '/api/v1/organizations/{orgId}/invitations/{invitationId}'],
      ['get', '/api/v1/invitations/{token}'], ['post', '/api/v1/invitations/{token}/accept'],
      ['get', '/api/v1/organizations/{orgId}/usage'], ['put', '/api/v1/organizations/{orgId}/plan'], ['get', '/api/v1/plans'],
      ['post', '/api/v1/organizations/{orgId}/api-keys'], ['get', '/api/v1/organizations/{orgId}/api-keys'],
      ['delete', '/api/v1/organizations/{orgId}/api-keys/{keyId}'], ['get', '/api/v1/organizations/{orgId}/audit-log'],
      ['get', '/api/v1/organizations/{orgId}/analytics'], ['get', '/api/v1/rooms/{roomId}/files'],
      ['post', '/api/v1/rooms/{roomId}/files'], ['get', '/api/v1/files/{fileId}'], ['delete', '/api/v1/files/{fileId}'],
      ['get', '/api/v1/files/{fileId}/content'],
    ];
    for (const [method, path] of calls) {
      expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
  });
});

// ---- signaling -----------------------------------------------------------------------------

type ClientSpecs = { [K in Exclude<P.ClientEventName, 'ping'>]: Spec<P.ClientEvents[K]> };
const clientSpecs: ClientSpecs = {
  authenticate: { token: 'required', organizationId: 'optional', deviceInfo: 'optional' },
  'join-room': { roomId: 'required', role: 'optional', displayName: 'optional', rtpCapabilities: 'optional' },
  'create-transport': { roomId: 'required', direction: 'required', sctpCapabilities: 'optional', forceTcp: 'optional' },
  'connect-transport': { transportId: 'required', dtlsParameters: 'required' },
  produce: { transportId: 'required', kind: 'required', rtpParameters: 'required', paused: 'optional', appData: 'optional' },
  consume: { producerId: 'required', rtpCapabilities: 'required', transportId: 'optional', paused: 'optional' },
  'set-preferred-layers': { consumerId: 'required', spatialLayer: 'required', temporalLayer: 'optional' },
  'resume-consumer': { consumerId: 'required' },
  'pause-consumer': { consumerId: 'required' },
  'pause-producer': { producerId: 'required' },
  'resume-producer': { producerId: 'required' },
  'close-producer': { producerId: 'required' },
  'restart-ice': { transportId: 'required' },
  'leave-room': { roomId: 'optional' },
  'close-room': { roomId: 'optional' },
  'send-chat': { text: 'required' },
  'delete-chat': { messageId: 'required' },
  'mute-participant': { userId: 'required', kind: 'optional' },
  'remove-participant': { userId: 'required' },
  'get-stats': { scope: 'optional' },
  'test-network': { lossPercent: 'optional', downlinkKbps: 'optional', queueMs: 'optional' },
};

type ServerSpecs = { [K in Exclude<P.ServerEventName, 'pong'>]: Spec<P.ServerEvents[K]> };
const serverSpecs: ServerSpecs = {
  authenticated: { userId: 'required', organizationId: 'required', role: 'required', permissions: 'required', limits: 'required', plan: 'optional' },
  'room-joined': {
    roomId: 'required', routerRtpCapabilities: 'required', participants: 'required', sfuNode: 'required',
    chatHistory: 'optional', you: 'optional',
  },
  'transport-created': {
    transportId: 'required', direction: 'required', iceParameters: 'required', iceCandidates: 'required',
    dtlsParameters: 'required', sctpParameters: 'optional',
  },
  'transport-connected': { transportId: 'required' },
  produced: { producerId: 'required', kind: 'optional' },
  'new-producer': { producerId: 'required', producerUserId: 'required', kind: 'required', appData: 'required', paused: 'optional' },
  'consumer-created': {
    consumerId: 'required', producerId: 'required', kind: 'required', rtpParameters: 'required', appData: 'required',
    type: 'optional', producerPaused: 'optional', paused: 'optional',
  },
  'consumer-resumed': { consumerId: 'required' },
  'consumer-paused': { consumerId: 'required' },
  'layers-set': { consumerId: 'required', spatialLayer: 'required', temporalLayer: 'optional' },
  'layers-changed': { consumerId: 'required', spatialLayer: 'required', temporalLayer: 'required' },
  'participant-joined': { userId: 'required', displayName: 'required', role: 'required' },
  'participant-left': { userId: 'required', reason: 'optional' },
  'producer-closed': { producerId: 'required', userId: 'optional' },
  'producer-paused': { producerId: 'required', userId: 'optional' },
  'producer-resumed': { producerId: 'required', userId: 'optional' },
  'consumer-closed': { consumerId: 'required', producerId: 'optional', reason: 'optional' },
  'ice-restarted': { transportId: 'required', iceParameters: 'required' },
  'left-room': { roomId: 'required' },
  'room-closed': { roomId: 'required', reason: 'optional' },
  'chat-message': { messageId: 'required', userId: 'required', displayName: 'required', role: 'required', text: 'required', sentAt: 'required' },
  'chat-deleted': { messageId: 'required', deletedBy: 'optional' },
  muted: { by: 'required', kind: 'required' },
  removed: { roomId: 'required', by: 'required' },
  'test-network-set': { lossPercent: 'required', downlinkKbps: 'required', queueMs: 'required' },
  'file-added': { id: 'required', organizationId: 'required', roomId: 'required', name: 'required', contentType: 'required', sizeBytes: 'required', uploadedBy: 'optional', createdAt: 'required' },
  'file-deleted': { fileId: 'required', roomId: 'required' },
  stats: { roomId: 'required', scope: 'required', timestamp: 'required', transports: 'required', producers: 'required', consumers: 'required' },
  error: { code: 'required', message: 'required', requestId: 'optional', retryAfter: 'optional' },
};

describe('signaling types match the schemas of docs/protocol.md', () => {
  const extracted = extractSchemas(readFileSync(docsPath('protocol.md'), 'utf8'));

  it('protocolSchemas.json is current (run `node scripts/extract-protocol-schemas.mjs`)', () => {
    expect(schemasJson).toEqual(extracted);
  });

  it('every documented event has a TypeScript type, and vice versa', () => {
    expect(Object.keys(extracted.client).sort()).toEqual([...Object.keys(clientSpecs), 'ping'].sort());
    expect(Object.keys(extracted.server).sort()).toEqual([...Object.keys(serverSpecs), 'pong'].sort());
  });

  const check = (schema: Schema, spec: Record<string, string>) => {
    expect(Object.keys(spec).sort()).toEqual(Object.keys(schema.properties ?? {}).sort());
    expect(Object.entries(spec).filter(([, v]) => v === 'required').map(([k]) => k).sort()).toEqual([...(schema.required ?? [])].sort());
  };
  it.each(Object.entries(clientSpecs))('client %s', (event, spec) => check(SCHEMAS.client[event as P.ClientEventName], spec));
  it.each(Object.entries(serverSpecs))('server %s', (event, spec) => check(SCHEMAS.server[event as P.ServerEventName], spec));
});

describe('the built-in validator agrees with Ajv (draft 2020-12)', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  const cases: [string, Schema, unknown][] = [];
  for (const [event, sample] of Object.entries(serverFixtures)) {
    const schema = SCHEMAS.server[event as P.ServerEventName];
    cases.push([`${event} (fixture)`, schema, sample]);
    const obj = sample as Record<string, unknown>;
    for (const key of Object.keys(schema.properties ?? {})) {
      const { [key]: _removed, ...without } = obj;
      cases.push([`${event} without ${key}`, schema, without]);
      if (key in obj) {
        const v = obj[key];
        cases.push([`${event} with ${key} of wrong type`, schema, { ...obj, [key]: typeof v === 'string' ? 42 : 'x' }]);
      }
    }
  }

  it.each(cases)('%s', (_name, schema, value) => {
    const ajvValid = ajv.validate(schema as object, value);
    expect(validate(schema, value) === null).toBe(ajvValid);
  });

  it('all fixtures are valid', () => {
    for (const [event, sample] of Object.entries(serverFixtures)) {
      expect(ajv.validate(SCHEMAS.server[event as P.ServerEventName] as object, sample), event).toBe(true);
    }
  });
});
