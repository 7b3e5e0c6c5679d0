import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { AppShell } from '../components/AppShell';
import { EyeIcon } from '../components/icons';
import { Link } from '../components/Link';
import { Banner, EmptyState, ErrorBanner, Field, Loading, Modal, StatusPill, UsageMeter } from '../components/ui';
import { useApi } from '../context/ApiContext';
import type { Organization, Room, Usage, Workspace } from '../core/apiTypes';
import { planName } from '../core/errors';
import { can, joinRolesFor, ROLE_LABELS } from '../core/permissions';
import { useMe, useRooms, useUsage, useWorkspaces } from '../hooks/useQueries';
import { navigate } from '../hooks/useRoute';
import { rememberOrg } from '../lastOrg';
import { paths } from '../routes';

/** A one-field "create" dialog (organization, workspace, room). */
function CreateDialog({
  open,
  title,
  nameLabel,
  withDescription,
  limitNote,
  onClose,
  onCreate,
}: {
  open: boolean;
  title: string;
  nameLabel: string;
  withDescription?: boolean;
  limitNote?: string | null;
  onClose: () => void;
  onCreate: (name: string, description: string) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setName('');
      setDescription('');
      setError(null);
    }
  }, [open]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onCreate(name.trim(), description.trim());
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={title} onClose={onClose}>
      <form onSubmit={submit} className="form">
        <Field label={nameLabel} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
        {withDescription && (
          <Field label="Description (optional)" maxLength={1000} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
        {limitNote && <Banner kind="warning">{limitNote}</Banner>}
        <ErrorBanner error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function limitReached(usage: Usage | undefined, key: 'rooms' | 'workspaces'): string | null {
  if (!usage) return null;
  const max = usage.limits[key];
  const used = usage.usage[key];
  if (max === null || used < max) return null;
  return `${used} of ${max} ${key} on ${planName(usage.plan)}: the server will refuse a new one until you upgrade or delete one.`;
}

function RoomCard({ room, org }: { room: Room; org: Organization }) {
  const roles = joinRolesFor(org.role);
  const presenter = roles.find((r) => r === 'host' || r === 'co-host');
  const moderator = !presenter && roles.includes('moderator');
  const closed = room.status === 'closed';
  return (
    <li className="room-card">
      <div className="room-card-head">
        <h3 className="room-name">{room.name}</h3>
        <StatusPill status={room.status} />
      </div>
      {room.description && <p className="room-desc">{room.description}</p>}
      <div className="room-meta">
        <span className="icon-text">
          <EyeIcon />
          {room.viewerCount} {room.viewerCount === 1 ? 'viewer' : 'viewers'}
        </span>
      </div>
      <div className="room-actions">
        {closed ? (
          <span className="muted">This room has ended.</span>
        ) : (
          <>
            {presenter && (
              <Link to={paths.room(room.id, presenter)} className="btn btn-primary btn-small">
                {room.status === 'live' ? 'Open studio' : 'Go live'}
              </Link>
            )}
            {moderator && (
              <Link to={paths.room(room.id, 'moderator')} className="btn btn-primary btn-small">
                Join as moderator
              </Link>
            )}
            <Link to={paths.room(room.id, 'viewer')} className={`btn btn-small ${presenter || moderator ? 'btn-ghost' : 'btn-primary'}`}>
              Watch
            </Link>
          </>
        )}
      </div>
    </li>
  );
}

function WorkspaceSection({ ws, rooms, org, usage }: { ws: Workspace; rooms: Room[]; org: Organization; usage: Usage | undefined }) {
  const api = useApi();
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const canCreate = can(org.role, 'create_rooms');
  return (
    <section className="workspace" aria-labelledby={`ws-${ws.id}`}>
      <div className="section-head">
        <div>
          <h2 id={`ws-${ws.id}`} className="workspace-name">
            {ws.name}
          </h2>
          {ws.description && <p className="muted">{ws.description}</p>}
        </div>
        {canCreate && (
          <button type="button" className="btn btn-small" onClick={() => setCreating(true)}>
            + New room
          </button>
        )}
      </div>
      {rooms.length === 0 ? (
        <p className="muted">No rooms in this workspace yet.</p>
      ) : (
        <ul className="room-grid">
          {rooms.map((r) => (
            <RoomCard key={r.id} room={r} org={org} />
          ))}
        </ul>
      )}
      <CreateDialog
        open={creating}
        title={`New room in ${ws.name}`}
        nameLabel="Room name"
        withDescription
        limitNote={limitReached(usage, 'rooms')}
        onClose={() => setCreating(false)}
        onCreate={async (name, description) => {
          await api.createRoom(ws.id, description ? { name, description } : { name });
          await qc.invalidateQueries({ queryKey: ['org', org.id] });
        }}
      />
    </section>
  );
}

function CreateOrganization({ first }: { first: boolean }) {
  const api = useApi();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={first ? 'btn btn-primary' : 'btn btn-ghost btn-small'} onClick={() => setOpen(true)}>
        {first ? 'Create your organization' : '+ New organization'}
      </button>
      <CreateDialog
        open={open}
        title="New organization"
        nameLabel="Organization name"
        onClose={() => setOpen(false)}
        onCreate={async (name) => {
          const org = await api.createOrganization({ name });
          await qc.invalidateQueries({ queryKey: ['me'] });
          rememberOrg(org.id);
          navigate(paths.org(org.id));
        }}
      />
    </>
  );
}

export function DashboardPage({ orgId }: { orgId: string | undefined }) {
  const api = useApi();
  const qc = useQueryClient();
  const me = useMe();
  const org = me.data?.organizations.find((o) => o.id === orgId);
  const workspaces = useWorkspaces(org?.id);
  const rooms = useRooms(org?.id);
  const usage = useUsage(org?.id);
  const [creatingWs, setCreatingWs] = useState(false);

  useEffect(() => {
    if (org) rememberOrg(org.id);
  }, [org]);

  if (me.isPending) {
    return (
      <AppShell orgId={orgId}>
        <Loading />
      </AppShell>
    );
  }
  if (me.error) {
    return (
      <AppShell orgId={orgId}>
        <ErrorBanner error={me.error} onRetry={() => void me.refetch()} />
      </AppShell>
    );
  }
  if (!org) {
    const none = (me.data?.organizations.length ?? 0) === 0;
    return (
      <AppShell orgId={undefined}>
        <div className="onboarding">
          <h1>{none ? 'Welcome to Trading Room' : 'Organization not found'}</h1>
          <p className="muted">
            {none
              ? 'Create an organization for your desk or academy. You can invite hosts, moderators and viewers next. If you were invited, open the link from your invitation email.'
              : 'You are not a member of this organization, or it does not exist.'}
          </p>
          <CreateOrganization first={none} />
        </div>
      </AppShell>
    );
  }

  const u = usage.data;
  const byWs = new Map<string, Room[]>();
  for (const r of rooms.data ?? []) byWs.set(r.workspaceId, [...(byWs.get(r.workspaceId) ?? []), r]);
  const liveCount = (rooms.data ?? []).filter((r) => r.status === 'live').length;

  return (
    <AppShell orgId={org.id}>
      <div className="page-head">
        <div>
          <h1>{org.name}</h1>
          <p className="muted">
            {planName(org.plan)} plan · you are {ROLE_LABELS[org.role] ?? org.role}
            {liveCount > 0 && ` · ${liveCount} live now`}
          </p>
        </div>
        <div className="page-actions">
          {can(org.role, 'view_analytics') && (
            <Link to={paths.analytics(org.id)} className="btn btn-small">
              View analytics
            </Link>
          )}
          {can(org.role, 'create_workspaces') && (
            <button type="button" className="btn btn-primary btn-small" onClick={() => setCreatingWs(true)}>
              + New workspace
            </button>
          )}
          <CreateOrganization first={false} />
        </div>
      </div>

      {u && (
        <section className="usage-strip" aria-label="Plan usage">
          <UsageMeter label="rooms" used={u.usage.rooms} max={u.limits.rooms} planLabel={planName(u.plan)} />
          <UsageMeter label="workspaces" used={u.usage.workspaces} max={u.limits.workspaces} planLabel={planName(u.plan)} />
          <UsageMeter label="hosts" used={u.usage.hosts} max={u.limits.hosts} planLabel={planName(u.plan)} />
          <div className="usage">
            <div className="usage-text">Up to {u.limits.viewers ?? 'unlimited'} viewers per room</div>
          </div>
        </section>
      )}
      <ErrorBanner error={usage.error} />

      {workspaces.isPending || rooms.isPending ? (
        <Loading label="Loading rooms…" />
      ) : workspaces.error || rooms.error ? (
        <ErrorBanner error={workspaces.error ?? rooms.error} onRetry={() => void qc.invalidateQueries({ queryKey: ['org', org.id] })} />
      ) : (workspaces.data ?? []).length === 0 ? (
        <EmptyState title="No workspaces yet">
          <p className="muted">
            {can(org.role, 'create_workspaces')
              ? 'Workspaces group rooms, e.g. “Day Trading” or “Forex Desk”. Create one to add rooms.'
              : 'An owner or admin of this organization has to create a workspace first.'}
          </p>
        </EmptyState>
      ) : (
        (workspaces.data ?? []).map((ws) => <WorkspaceSection key={ws.id} ws={ws} rooms={byWs.get(ws.id) ?? []} org={org} usage={u} />)
      )}

      <CreateDialog
        open={creatingWs}
        title="New workspace"
        nameLabel="Workspace name"
        withDescription
        limitNote={limitReached(u, 'workspaces')}
        onClose={() => setCreatingWs(false)}
        onCreate={async (name, description) => {
          await api.createWorkspace(org.id, description ? { name, description } : { name });
          await qc.invalidateQueries({ queryKey: ['org', org.id] });
        }}
      />
    </AppShell>
  );
}
