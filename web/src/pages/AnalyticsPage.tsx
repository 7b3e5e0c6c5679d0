import { useQuery } from '@tanstack/react-query';
import { AppShell } from '../components/AppShell';
import { BarChart } from '../components/BarChart';
import { Link } from '../components/Link';
import { Banner, EmptyState, ErrorBanner, Loading, UsageMeter } from '../components/ui';
import { useApi } from '../context/ApiContext';
import type { Analytics, Organization } from '../core/apiTypes';
import { levelInfo, membersByRoleSeries, roomStatusSeries } from '../core/analytics';
import { ApiError, describeError, planName } from '../core/errors';
import { can } from '../core/permissions';
import { formatBytes } from '../core/stats';
import { useMe, useUsage } from '../hooks/useQueries';
import { paths } from '../routes';

/** One headline number. */
function Kpi({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="kpi">
      <dt>{label}</dt>
      <dd>
        <span className="kpi-value">{value}</span>
        {note && <span className="kpi-note">{note}</span>}
      </dd>
    </div>
  );
}

/** The plan's analytics level, and what upgrading adds. */
function LevelNote({ org, level }: { org: Organization; level: string }) {
  const info = levelInfo(level);
  return (
    <section className="card analytics-level" aria-labelledby="level-title">
      <div className="section-head">
        <h2 id="level-title">
          {info.label} analytics <span className="muted level-plan">on the {planName(org.plan)} plan</span>
        </h2>
        <span className={`pill level-pill level-${info.level}`}>{info.label}</span>
      </div>
      {info.next ? (
        <div className="upsell-note">
          <p>
            {info.label} analytics show today’s rooms, audience, members and storage. {info.next.label} analytics come with the {planName(info.next.plan)} plan
            {info.next.level === 'advanced' ? ' (Full with Business and Enterprise)' : ' and Enterprise'}.
          </p>
          {can(org.role, 'manage_billing') ? (
            <Link to={paths.admin(org.id, 'plan')} className="btn btn-primary btn-small">
              Compare plans
            </Link>
          ) : (
            <p className="muted">Ask the organization owner to upgrade.</p>
          )}
        </div>
      ) : (
        <p className="muted">Your plan includes the full analytics.</p>
      )}
    </section>
  );
}

function AnalyticsBody({ org, data }: { org: Organization; data: Analytics }) {
  const usage = useUsage(org.id);
  const limits = usage.data?.limits;
  return (
    <div className="stack">
      <section aria-labelledby="overview-title">
        <h2 id="overview-title" className="visually-hidden">
          Overview
        </h2>
        <dl className="kpi-grid">
          <Kpi label="Rooms" value={String(data.rooms.total)} note={limits && limits.rooms !== null ? `of ${limits.rooms} on ${planName(org.plan)}` : undefined} />
          <Kpi label="Live now" value={String(data.rooms.live)} note={data.rooms.live === 1 ? 'room' : 'rooms'} />
          {data.liveViewers !== undefined && <Kpi label="Watching now" value={String(data.liveViewers)} note={data.liveViewers === 1 ? 'viewer' : 'viewers'} />}
          <Kpi label="Members" value={String(data.members.total)} />
          <Kpi label="Workspaces" value={String(data.workspaces)} />
          <Kpi label="Storage used" value={formatBytes(data.storageBytes)} note={limits ? `of ${formatBytes(limits.storageBytes)}` : undefined} />
        </dl>
      </section>
      <div className="chart-grid">
        <section className="card">
          <BarChart title="Rooms by status" unit="Status" data={roomStatusSeries(data)} />
        </section>
        <section className="card">
          <BarChart title="Members by role" unit="Role" data={membersByRoleSeries(data)} />
        </section>
      </div>
      {limits && (
        <section className="card" aria-labelledby="capacity-title">
          <h2 id="capacity-title">Plan capacity</h2>
          <div className="usage-grid">
            <UsageMeter label="rooms" used={data.rooms.total} max={limits.rooms} />
            <UsageMeter label="workspaces" used={data.workspaces} max={limits.workspaces} />
            <UsageMeter label="storage" used={data.storageBytes} max={limits.storageBytes} format={formatBytes} />
          </div>
        </section>
      )}
      <LevelNote org={org} level={data.level} />
    </div>
  );
}

/** `/orgs/<id>/analytics`: owners, admins and hosts ("View Analytics"). */
export function AnalyticsPage({ orgId }: { orgId: string }) {
  const api = useApi();
  const me = useMe();
  const org = me.data?.organizations.find((o) => o.id === orgId);
  const allowed = !!org && can(org.role, 'view_analytics');
  const q = useQuery({
    queryKey: ['org', orgId, 'analytics'],
    queryFn: () => api.getAnalytics(orgId),
    enabled: allowed,
    refetchInterval: 15_000,
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });

  let content: React.ReactNode;
  if (me.isPending) content = <Loading />;
  else if (!org) content = <EmptyState title="Organization not found" />;
  else if (!allowed)
    content = <Banner kind="warning">Analytics are for owners, admins and hosts. {describeError(new ApiError(403, 'forbidden', '', { permission: 'view_analytics' }))}</Banner>;
  else
    content = (
      <>
        <div className="page-head">
          <div>
            <h1>Analytics · {org.name}</h1>
            <p className="muted" aria-live="polite">
              {planName(org.plan)} plan · {levelInfo(q.data?.level ?? 'basic').label} analytics{q.dataUpdatedAt ? ` · updated ${new Date(q.dataUpdatedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}` : ''}
            </p>
          </div>
          <div className="page-actions">
            <button type="button" className="btn btn-small" onClick={() => void q.refetch()} disabled={q.isFetching}>
              {q.isFetching ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
        </div>
        <ErrorBanner error={q.error} onRetry={() => void q.refetch()} />
        {q.data ? <AnalyticsBody org={org} data={q.data} /> : !q.error && <Loading label="Loading analytics…" />}
      </>
    );
  return <AppShell orgId={orgId}>{content}</AppShell>;
}
