import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { AppShell } from '../components/AppShell';
import { Link } from '../components/Link';
import {
  Banner,
  ConfirmDialog,
  CopyField,
  EmptyState,
  ErrorBanner,
  Field,
  formatDate,
  Loading,
  RoleBadge,
  Select,
  StatusPill,
  UsageMeter,
} from '../components/ui';
import { useApi } from '../context/ApiContext';
import type { ApiKeyCreated, Invitation, InvitableRole, Organization, OverLimit, PlanId } from '../core/apiTypes';
import { describeAuditDetails } from '../core/audit';
import { ApiError, describeError, FEATURE_LABELS, planName } from '../core/errors';
import { ASSIGNABLE_ROLES, can, ROLE_LABELS } from '../core/permissions';
import { formatBytes } from '../core/stats';
import { keys, useMe, usePlans, useRooms, useUsage, useWorkspaces } from '../hooks/useQueries';
import { ADMIN_TABS, paths, type AdminTab } from '../routes';

const roleOptions = ASSIGNABLE_ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] ?? r }));

/** The 403 plan_feature_unavailable answer, shown as an upgrade offer. */
function Upsell({ error, orgId, canBill }: { error: ApiError; orgId: string; canBill: boolean }) {
  const feature = typeof error.details?.feature === 'string' ? error.details.feature : '';
  return (
    <div className="upsell">
      <h2 className="upsell-title">{FEATURE_LABELS[feature] ?? 'This feature'} is not included in your plan</h2>
      <p className="muted">
        {feature === 'audit_logs' && 'The audit log records who changed members, roles, rooms, plans and keys — available on Business and Enterprise.'}
        {feature === 'api_access' && 'API keys let your own systems create rooms and read usage — available on Professional and above.'}
      </p>
      {canBill ? (
        <Link to={paths.admin(orgId, 'plan')} className="btn btn-primary">
          Compare plans
        </Link>
      ) : (
        <p className="muted">Ask the organization owner to upgrade.</p>
      )}
    </div>
  );
}

function MembersTab({ org }: { org: Organization }) {
  const api = useApi();
  const qc = useQueryClient();
  const me = useMe();
  const members = useQuery({ queryKey: keys.members(org.id), queryFn: () => api.listMembers(org.id) });
  const invitations = useQuery({ queryKey: keys.invitations(org.id), queryFn: () => api.listInvitations(org.id) });
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<InvitableRole>('viewer');
  const [created, setCreated] = useState<Invitation | null>(null);
  const [removing, setRemoving] = useState<{ userId: string; name: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: ['org', org.id] });

  const invite = useMutation({
    mutationFn: () => api.createInvitation(org.id, { email: email.trim(), role }),
    onSuccess: (inv) => {
      setCreated(inv);
      setEmail('');
      void refresh();
    },
  });
  const changeRole = useMutation({
    mutationFn: (v: { userId: string; role: InvitableRole }) => api.updateMember(org.id, v.userId, { role: v.role }),
    onSettled: () => void refresh(),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.removeMember(org.id, userId),
    onSuccess: () => {
      setRemoving(null);
      void refresh();
    },
  });
  const revoke = useMutation({ mutationFn: (id: string) => api.revokeInvitation(org.id, id), onSettled: () => void refresh() });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    invite.mutate();
  };
  const selfId = me.data?.user.id;
  const pending = (invitations.data ?? []).filter((i) => i.status === 'pending');

  return (
    <div className="stack">
      <section className="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        <form className="form form-inline" onSubmit={submit}>
          <Field label="Email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
          <Select label="Role" value={role} onChange={(e) => setRole(e.target.value as InvitableRole)} options={roleOptions} />
          <button type="submit" className="btn btn-primary" disabled={invite.isPending || !email.trim()}>
            {invite.isPending ? 'Inviting…' : 'Send invitation'}
          </button>
        </form>
        <ErrorBanner error={invite.error} />
        {created?.acceptUrl && (
          <Banner kind="success">
            Invitation created for {created.email}. If email delivery is not set up, send them this link:
            <CopyField label="Invitation link" value={created.acceptUrl} />
          </Banner>
        )}
      </section>

      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <ErrorBanner error={changeRole.error ?? remove.error} />
        {members.isPending ? (
          <Loading />
        ) : members.error ? (
          <ErrorBanner error={members.error} onRetry={() => void members.refetch()} />
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Joined</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {(members.data ?? []).map((m) => {
                  const editable = m.role !== 'owner' && m.userId !== selfId;
                  return (
                    <tr key={m.userId}>
                      <td>
                        {m.displayName}
                        {m.userId === selfId && <span className="muted"> (you)</span>}
                      </td>
                      <td className="cell-email" data-label="Email">{m.email}</td>
                      <td>
                        {editable ? (
                          <Select
                            label={`Role of ${m.displayName}`}
                            hideLabel
                            value={m.role}
                            disabled={changeRole.isPending}
                            onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value as InvitableRole })}
                            options={roleOptions}
                          />
                        ) : (
                          <RoleBadge role={m.role} />
                        )}
                      </td>
                      <td data-label="Joined">{formatDate(m.joinedAt)}</td>
                      <td className="cell-actions">
                        {editable && (
                          <button type="button" className="btn btn-ghost btn-small btn-danger-text" onClick={() => setRemoving({ userId: m.userId, name: m.displayName })}>
                            Remove
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="inv-title">
        <h2 id="inv-title">Pending invitations</h2>
        <ErrorBanner error={invitations.error ?? revoke.error} />
        {pending.length === 0 ? (
          <p className="muted">No pending invitations.</p>
        ) : (
          <ul className="list">
            {pending.map((i) => (
              <li key={i.id} className="list-row">
                <span>
                  {i.email} <RoleBadge role={i.role} /> <span className="muted">expires {formatDate(i.expiresAt)}</span>
                </span>
                <button type="button" className="btn btn-ghost btn-small" onClick={() => revoke.mutate(i.id)} disabled={revoke.isPending}>
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ConfirmDialog
        open={!!removing}
        title="Remove member"
        body={`Remove ${removing?.name ?? ''} from ${org.name}? They lose access to every room at once.`}
        confirmLabel="Remove"
        danger
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => removing && remove.mutate(removing.userId)}
        onCancel={() => setRemoving(null)}
      />
    </div>
  );
}

function WorkspacesTab({ org }: { org: Organization }) {
  const api = useApi();
  const qc = useQueryClient();
  const workspaces = useWorkspaces(org.id);
  const rooms = useRooms(org.id);
  const [confirm, setConfirm] = useState<{ kind: 'room' | 'workspace'; id: string; name: string } | null>(null);
  const del = useMutation({
    mutationFn: (c: { kind: 'room' | 'workspace'; id: string }) => (c.kind === 'room' ? api.deleteRoom(c.id) : api.deleteWorkspace(c.id)),
    onSuccess: () => {
      setConfirm(null);
      void qc.invalidateQueries({ queryKey: ['org', org.id] });
    },
  });
  const reopen = useMutation({
    mutationFn: (roomId: string) => api.updateRoom(roomId, { status: 'idle' }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['org', org.id] }),
  });
  if (workspaces.isPending || rooms.isPending) return <Loading />;
  return (
    <div className="stack">
      <ErrorBanner error={workspaces.error ?? rooms.error ?? reopen.error} />
      <p className="muted">
        Create workspaces and rooms from the <Link to={paths.org(org.id)}>rooms page</Link>. Deleting a room frees a slot of the plan.
      </p>
      {(workspaces.data ?? []).map((ws) => {
        const wsRooms = (rooms.data ?? []).filter((r) => r.workspaceId === ws.id);
        return (
          <section key={ws.id} className="card">
            <div className="section-head">
              <h2>{ws.name}</h2>
              <button
                type="button"
                className="btn btn-ghost btn-small btn-danger-text"
                onClick={() => setConfirm({ kind: 'workspace', id: ws.id, name: ws.name })}
                disabled={wsRooms.length > 0}
                title={wsRooms.length > 0 ? 'Delete its rooms first' : undefined}
              >
                Delete workspace
              </button>
            </div>
            {wsRooms.length === 0 ? (
              <p className="muted">No rooms.</p>
            ) : (
              <ul className="list">
                {wsRooms.map((r) => (
                  <li key={r.id} className="list-row">
                    <span>
                      {r.name} <StatusPill status={r.status} /> <span className="muted">{r.viewerCount} viewers</span>
                    </span>
                    <span className="row-actions">
                      {r.status === 'closed' && (
                        <button type="button" className="btn btn-ghost btn-small" onClick={() => reopen.mutate(r.id)}>
                          Reopen
                        </button>
                      )}
                      <button type="button" className="btn btn-ghost btn-small btn-danger-text" onClick={() => setConfirm({ kind: 'room', id: r.id, name: r.name })}>
                        Delete
                      </button>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
      <ConfirmDialog
        open={!!confirm}
        title={confirm?.kind === 'room' ? 'Delete room' : 'Delete workspace'}
        body={`Delete “${confirm?.name ?? ''}”? This cannot be undone.`}
        confirmLabel="Delete"
        danger
        busy={del.isPending}
        error={del.error}
        onConfirm={() => confirm && del.mutate(confirm)}
        onCancel={() => setConfirm(null)}
      />
    </div>
  );
}

function PlanTab({ org }: { org: Organization }) {
  const api = useApi();
  const qc = useQueryClient();
  const usage = useUsage(org.id);
  const plans = usePlans();
  const isOwner = can(org.role, 'manage_billing');
  const [overLimits, setOverLimits] = useState<{ plan: PlanId; items: OverLimit[] } | null>(null);
  const change = useMutation({
    mutationFn: (v: { plan: PlanId; acceptOverLimit?: boolean }) => api.changePlan(org.id, v),
    onSuccess: () => {
      setOverLimits(null);
      void qc.invalidateQueries({ queryKey: ['org', org.id] });
      void qc.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (err, v) => {
      if (err instanceof ApiError && err.code === 'plan_usage_exceeds_limits') {
        const items = Array.isArray(err.details?.overLimits) ? (err.details.overLimits as OverLimit[]) : [];
        setOverLimits({ plan: v.plan, items });
      }
    },
  });
  const u = usage.data;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="usage-title">
        <h2 id="usage-title">Usage on {planName(org.plan)}</h2>
        <ErrorBanner error={usage.error} />
        {u ? (
          <div className="usage-grid">
            <UsageMeter label="workspaces" used={u.usage.workspaces} max={u.limits.workspaces} />
            <UsageMeter label="rooms" used={u.usage.rooms} max={u.limits.rooms} />
            <UsageMeter label="hosts" used={u.usage.hosts} max={u.limits.hosts} />
            <UsageMeter label="storage" used={u.usage.storageBytes} max={u.limits.storageBytes} format={formatBytes} />
            <div className="usage">
              <div className="usage-text">{u.usage.members} {u.usage.members === 1 ? 'member' : 'members'} · up to {u.limits.viewers ?? 'unlimited'} viewers per room</div>
            </div>
          </div>
        ) : (
          <Loading />
        )}
      </section>

      <section aria-labelledby="plans-title">
        <h2 id="plans-title">Plans</h2>
        {!isOwner && <p className="muted">Only the owner can change the plan.</p>}
        <ErrorBanner error={plans.error ?? (change.error instanceof ApiError && change.error.code === 'plan_usage_exceeds_limits' ? null : change.error)} />
        <div className="plan-grid">
          {(plans.data ?? []).map((p) => {
            const current = p.id === org.plan;
            const f = p.features;
            const lim = (n: number | null, noun: string) => (n === null ? `Unlimited ${noun}s` : `${n} ${noun}${n === 1 ? '' : 's'}`);
            return (
              <div key={p.id} className={`plan-card${current ? ' plan-current' : ''}`}>
                <h3>{p.displayName}</h3>
                <div className="plan-price">{p.priceUsdMonth ? `$${p.priceUsdMonth}/mo` : 'Custom pricing'}</div>
                <ul className="plan-features">
                  <li>{lim(p.limits.workspaces, 'workspace')}</li>
                  <li>{lim(p.limits.rooms, 'room')}</li>
                  <li>{lim(p.limits.hosts, 'host')}</li>
                  <li>{lim(p.limits.viewers, 'viewer')} / room</li>
                  <li>{formatBytes(p.limits.storageBytes)} storage</li>
                  <li>Analytics: {f.analytics}</li>
                  <li className={f.apiAccess ? '' : 'feature-off'}>{f.apiAccess ? '✓' : '✗'} API access</li>
                  <li className={f.auditLogs ? '' : 'feature-off'}>{f.auditLogs ? '✓' : '✗'} Audit log</li>
                  <li className={f.recording ? '' : 'feature-off'}>{f.recording ? '✓' : '✗'} Recording</li>
                </ul>
                {current ? (
                  <span className="pill pill-current">Current plan</span>
                ) : (
                  isOwner && (
                    <button type="button" className="btn btn-primary btn-small" disabled={change.isPending} onClick={() => change.mutate({ plan: p.id })}>
                      Switch to {p.displayName}
                    </button>
                  )
                )}
              </div>
            );
          })}
        </div>
      </section>

      <ConfirmDialog
        open={!!overLimits}
        title="Usage is above the new plan's limits"
        body={
          <>
            <p>On {planName(overLimits?.plan)} this organization would be over its limits:</p>
            <ul>
              {(overLimits?.items ?? []).map((o) => (
                <li key={o.limit}>
                  {o.limit === 'storageBytes' ? `storage: ${formatBytes(o.current)} of ${formatBytes(o.max)}` : `${o.limit}: ${o.current} of ${o.max}`}
                </li>
              ))}
            </ul>
            <p>Existing items stay, but nothing new of those kinds can be created until usage is below the limits.</p>
          </>
        }
        confirmLabel="Downgrade anyway"
        danger
        busy={change.isPending}
        onConfirm={() => overLimits && change.mutate({ plan: overLimits.plan, acceptOverLimit: true })}
        onCancel={() => setOverLimits(null)}
      />
    </div>
  );
}

function AuditTab({ org }: { org: Organization }) {
  const api = useApi();
  const [action, setAction] = useState('');
  const [pages, setPages] = useState<string[]>([]);
  const cursor = pages[pages.length - 1] ?? null;
  const q = useQuery({
    queryKey: [...keys.audit(org.id, action), cursor],
    queryFn: () => api.listAuditLog(org.id, { action: action || undefined, cursor }),
    retry: false,
  });
  if (q.error instanceof ApiError && q.error.isPlanFeatureUnavailable) return <Upsell error={q.error} orgId={org.id} canBill={can(org.role, 'manage_billing')} />;
  return (
    <section className="card" aria-labelledby="audit-title">
      <div className="section-head">
        <h2 id="audit-title">Audit log</h2>
        <form
          className="form form-inline"
          onSubmit={(e) => {
            e.preventDefault();
            setPages([]);
          }}
        >
          <Field label="Filter by action" placeholder="e.g. member.role_changed" value={action} onChange={(e) => { setAction(e.target.value); setPages([]); }} />
        </form>
      </div>
      <ErrorBanner error={q.error} onRetry={() => void q.refetch()} />
      {q.isPending ? (
        <Loading />
      ) : (q.data?.items.length ?? 0) === 0 ? (
        <p className="muted">No entries.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Details</th>
                <th scope="col">IP</th>
              </tr>
            </thead>
            <tbody>
              {q.data?.items.map((e) => (
                <tr key={e.id}>
                  <td data-label="When">{formatDate(e.createdAt)}</td>
                  <td className="cell-email" data-label="Who">{e.actorEmail ?? e.actorId ?? 'system'}</td>
                  <td className="mono" data-label="Action">{e.action}</td>
                  <td className="mono" data-label="Target">
                    {e.targetType}
                    {e.targetId ? `:${e.targetId}` : ''}
                  </td>
                  <td className="cell-details" data-label="Details">{describeAuditDetails(e.details)}</td>
                  <td className="mono" data-label="IP">{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <button type="button" className="btn btn-ghost btn-small" disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
          Newer
        </button>
        <button type="button" className="btn btn-ghost btn-small" disabled={!q.data?.nextCursor} onClick={() => q.data?.nextCursor && setPages((p) => [...p, q.data.nextCursor!])}>
          Older
        </button>
      </div>
    </section>
  );
}

function ApiKeysTab({ org }: { org: Organization }) {
  const api = useApi();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: keys.apiKeys(org.id), queryFn: () => api.listApiKeys(org.id), retry: false });
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const create = useMutation({
    mutationFn: () => api.createApiKey(org.id, { name: name.trim() }),
    onSuccess: (k) => {
      setCreated(k);
      setName('');
      void qc.invalidateQueries({ queryKey: keys.apiKeys(org.id) });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.revokeApiKey(org.id, id),
    onSettled: () => void qc.invalidateQueries({ queryKey: keys.apiKeys(org.id) }),
  });
  const planErr = [create.error, list.error].find((e): e is ApiError => e instanceof ApiError && e.isPlanFeatureUnavailable);
  if (planErr) return <Upsell error={planErr} orgId={org.id} canBill={can(org.role, 'manage_billing')} />;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="newkey-title">
        <h2 id="newkey-title">Create an API key</h2>
        <form
          className="form form-inline"
          onSubmit={(e) => {
            e.preventDefault();
            setCreated(null);
            create.mutate();
          }}
        >
          <Field label="Key name" placeholder="e.g. CRM sync" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !name.trim()}>
            Create key
          </button>
        </form>
        <ErrorBanner error={create.error} />
        {created && (
          <Banner kind="success">
            <strong>Copy this key now — it is shown only once.</strong>
            <CopyField label={`API key “${created.name}”`} value={created.key} secret />
          </Banner>
        )}
      </section>
      <section className="card" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <ErrorBanner error={list.error ?? revoke.error} />
        {list.isPending ? (
          <Loading />
        ) : (list.data ?? []).length === 0 ? (
          <p className="muted">No API keys yet.</p>
        ) : (
          <ul className="list">
            {(list.data ?? []).map((k) => (
              <li key={k.id} className="list-row">
                <span>
                  <strong>{k.name}</strong> <span className="mono">{k.prefix}…</span>{' '}
                  <span className="muted">
                    created {formatDate(k.createdAt)} · last used {formatDate(k.lastUsedAt)}
                  </span>
                </span>
                {k.revokedAt ? (
                  <span className="pill pill-closed">Revoked</span>
                ) : (
                  <button type="button" className="btn btn-ghost btn-small btn-danger-text" onClick={() => revoke.mutate(k.id)} disabled={revoke.isPending}>
                    Revoke
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

export function AdminPage({ orgId, tab }: { orgId: string; tab: AdminTab }) {
  const me = useMe();
  const org = me.data?.organizations.find((o) => o.id === orgId);
  // on a narrow screen the section links scroll sideways: keep the current one in view
  const subnav = useRef<HTMLElement>(null);
  useEffect(() => {
    const reveal = () => {
      const nav = subnav.current;
      const current = nav?.querySelector<HTMLElement>('[aria-current="page"]');
      if (!nav || !current) return;
      const left = current.offsetLeft; // .subnav is position: relative
      if (left < nav.scrollLeft || left + current.offsetWidth > nav.scrollLeft + nav.clientWidth) nav.scrollLeft = Math.max(0, left - 12);
    };
    reveal();
    window.addEventListener('resize', reveal);
    return () => window.removeEventListener('resize', reveal);
  }, [tab, org]);
  let content: React.ReactNode;
  if (me.isPending) content = <Loading />;
  else if (!org) content = <EmptyState title="Organization not found" />;
  else if (!can(org.role, 'manage_organization'))
    content = <Banner kind="warning">Only owners and admins can open the admin panel. {describeError(new ApiError(403, 'forbidden', '', { permission: 'manage_organization' }))}</Banner>;
  else
    content = (
      <>
        <div className="page-head">
          <div>
            <h1>Admin · {org.name}</h1>
            <p className="muted">{planName(org.plan)} plan</p>
          </div>
        </div>
        <nav className="subnav" aria-label="Admin sections" ref={subnav}>
          {ADMIN_TABS.map((t) => (
            <Link key={t.id} to={paths.admin(org.id, t.id)} className="subnav-link" aria-current={t.id === tab ? 'page' : undefined}>
              {t.label}
            </Link>
          ))}
        </nav>
        {tab === 'members' && <MembersTab org={org} />}
        {tab === 'workspaces' && <WorkspacesTab org={org} />}
        {tab === 'plan' && <PlanTab org={org} />}
        {tab === 'audit' && <AuditTab org={org} />}
        {tab === 'api-keys' && <ApiKeysTab org={org} />}
      </>
    );
  return <AppShell orgId={orgId}>{content}</AppShell>;
}
