import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ChatPanel } from '../components/ChatPanel';
import { FilesPanel } from '../components/FilesPanel';
import { Link } from '../components/Link';
import { TabList } from '../components/Tabs';
import { Logo } from '../components/Logo';
import { ParticipantList } from '../components/ParticipantList';
import { overallQuality, QualityIndicator } from '../components/StatsOverlay';
import { Banner, ErrorBanner, Loading, RoleBadge, StatusPill } from '../components/ui';
import { RoomProvider } from '../context/RoomContext';
import { ApiError } from '../core/errors';
import { joinRolesFor } from '../core/permissions';
import type { JoinRole } from '../core/protocol';
import { isPresenterRole, type RoomSession } from '../core/room';
import { useMe, useRoom } from '../hooks/useQueries';
import { useNetworkRecovery, useRoomSessionLifecycle, useRoomState, useRoomStats, useSignalingState } from '../hooks/useRoom';
import type { SignalingClient } from '../core/signaling';
import { EyeIcon } from '../components/icons';
import { useSession } from '../hooks/useSession';
import { paths } from '../routes';
import { HostStudio } from './HostStudio';
import { ViewerStage } from './ViewerStage';

function Notices({ session }: { session: RoomSession }) {
  const state = useRoomState(session);
  useEffect(() => {
    if (state.notices.length === 0) return;
    const oldest = state.notices[0]!;
    const t = setTimeout(() => session.dispatch({ type: 'dismiss-notice', id: oldest.id }), 8_000);
    return () => clearTimeout(t);
  }, [state.notices, session]);
  return (
    <div className="notices" aria-live="assertive">
      {state.notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.text}</span>
          <button type="button" className="btn-icon" aria-label="Dismiss" onClick={() => session.dispatch({ type: 'dismiss-notice', id: n.id })}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

const PHASE_LABELS: Record<string, string> = {
  connecting: 'Connecting',
  joining: 'Joining',
  waiting: 'Waiting for host',
  // a presenter before going live (the "waiting" phase is the viewers' point of view)
  'off-air': 'Not live',
  'host-paused': 'Paused',
  reconnecting: 'Reconnecting',
  failed: 'Error',
};

function PhasePill({ phase }: { phase: string }) {
  return <span className={`pill pill-phase-${phase}`}>{PHASE_LABELS[phase] ?? phase}</span>;
}

function EndedScreen({ title, text, backTo }: { title: string; text: string; backTo: string }) {
  return (
    <main id="main" className="ended" tabIndex={-1}>
      <h1>{title}</h1>
      <p className="muted">{text}</p>
      <Link to={backTo} className="btn btn-primary">
        Back to rooms
      </Link>
    </main>
  );
}

interface RoomOrg {
  orgId: string;
  /** The caller's organization role: files are allowed by it, not by the joined role. */
  orgRole: string;
  userId: string | null;
}

function RoomView({ session, signaling, joinRole, roomName, backTo, onRetry, org }: { session: RoomSession; signaling: SignalingClient | null; joinRole: JoinRole; roomName: string; backTo: string; onRetry: () => void; org: RoomOrg }) {
  const state = useRoomState(session);
  const online = useNetworkRecovery(session);
  const [tab, setTab] = useState<'chat' | 'files' | 'people'>('chat');
  const [showStats, setShowStats] = useState(false);
  const stats = useRoomStats(2_000, state.joined, session);
  const quality = overallQuality(stats);
  const presenter = isPresenterRole(state.self?.role ?? joinRole);
  const sigState = useSignalingState(signaling);
  const unreachable = sigState === 'reconnecting' && !state.everJoined;
  const viewers = Object.values(state.participants).filter((p) => p.role === 'viewer').length;
  const people = Object.keys(state.participants).length;
  const names = Object.fromEntries(Object.values(state.participants).map((p) => [p.userId, p.displayName]));

  if (state.phase === 'ended') {
    const texts: Record<string, [string, string]> = {
      closed_by_host: ['This room has ended', 'The host ended the session. Thanks for watching!'],
      room_closed: ['This room has ended', 'The room is closed.'],
      removed: ['You were removed from the room', 'A moderator removed you from this room.'],
      replaced: ['You opened this room elsewhere', 'You joined this room from another tab or device, so this one was disconnected.'],
      left: ['You left the room', 'See you next time.'],
    };
    const [title, text] = texts[state.endReason ?? 'room_closed'] ?? texts.room_closed!;
    return <EndedScreen title={title} text={text} backTo={backTo} />;
  }

  return (
    <div className="room">
      <header className="room-bar">
        <Link to={backTo} className="room-back" aria-label="Back to rooms">
          <Logo size={26} />
        </Link>
        <div className="room-title">
          <h1>{roomName}</h1>
          <span className="room-sub">
            {state.phase === 'live' || (presenter && Object.keys(state.local).length > 0) ? <StatusPill status="live" /> : <PhasePill phase={presenter && state.phase === 'waiting' ? 'off-air' : state.phase} />}
            <span className="muted icon-text">
              <EyeIcon />
              {viewers}
              <span className="visually-hidden">viewers</span>
            </span>
            {state.self && <RoleBadge role={state.self.role} />}
          </span>
        </div>
        <QualityIndicator quality={quality} />
      </header>
      {!online && <Banner kind="warning">You are offline. The stream resumes when the network is back.</Banner>}
      {state.phase === 'failed' && (
        <Banner
          kind="error"
          action={
            <button type="button" className="btn btn-small" onClick={onRetry}>
              Try again
            </button>
          }
        >
          {state.error}
        </Banner>
      )}
      <main id="main" tabIndex={-1} className="room-body">
        <section className="room-main" aria-label={presenter ? 'Studio' : 'Stream'}>
          {presenter ? (
            <HostStudio state={state} stats={stats} showStats={showStats} setShowStats={setShowStats} unreachable={unreachable} />
          ) : (
            <ViewerStage state={state} stats={stats} showStats={showStats} setShowStats={setShowStats} unreachable={unreachable} />
          )}
        </section>
        <aside className="room-side" aria-label="Chat, files and participants">
          <TabList
            label="Side panel"
            idPrefix="side"
            value={tab}
            onChange={setTab}
            tabs={[
              { id: 'chat', label: 'Chat' },
              { id: 'people', label: `People (${people})` },
              { id: 'files', label: 'Files' },
            ]}
          />
          <div role="tabpanel" id="side-panel-chat" aria-labelledby="side-tab-chat" hidden={tab !== 'chat'} className="side-panel">
            <ChatPanel />
          </div>
          <div role="tabpanel" id="side-panel-files" aria-labelledby="side-tab-files" hidden={tab !== 'files'} className="side-panel">
            <FilesPanel roomId={state.roomId} orgId={org.orgId} orgRole={org.orgRole} userId={org.userId} active={tab === 'files'} names={names} />
          </div>
          <div role="tabpanel" id="side-panel-people" aria-labelledby="side-tab-people" hidden={tab !== 'people'} className="side-panel">
            <ParticipantList />
          </div>
        </aside>
      </main>
      <Notices session={session} />
    </div>
  );
}

/** `/rooms/<id>?as=host|co-host|moderator|viewer`. */
export function RoomPage({ roomId, requestedRole }: { roomId: string; requestedRole: string | null }) {
  const me = useMe();
  const room = useRoom(roomId);
  const session = useSession();
  const qc = useQueryClient();
  const [attempt, setAttempt] = useState(0);
  const org = me.data?.organizations.find((o) => o.id === room.data?.organizationId);
  const allowed = org ? joinRolesFor(org.role) : [];
  const role: JoinRole | null = org ? ((allowed as string[]).includes(requestedRole ?? '') ? (requestedRole as JoinRole) : 'viewer') : null;
  const ready = !!room.data && room.data.status !== 'closed' && !!org && !!role;
  const { session: roomSession, signaling } = useRoomSessionLifecycle(
    ready ? { roomId, role: role!, organizationId: org!.id, displayName: session?.user.displayName ?? '', attempt } : null,
  );
  const backTo = org ? paths.org(org.id) : paths.home();

  // refresh the dashboard's room status when leaving
  useEffect(() => () => void qc.invalidateQueries({ queryKey: ['org'] }), [qc]);

  if (room.isPending || me.isPending) return <Loading label="Opening room…" />;
  if (room.error) {
    return room.error instanceof ApiError && room.error.status === 404 ? (
      <EndedScreen title="Room not found" text="It may have been deleted, or it belongs to another organization." backTo={paths.home()} />
    ) : (
      <main id="main" className="ended" tabIndex={-1}>
        <ErrorBanner error={room.error} onRetry={() => void room.refetch()} />
      </main>
    );
  }
  if (room.data.status === 'closed') return <EndedScreen title="This room has ended" text="The host closed this room." backTo={backTo} />;
  if (!org || !roomSession) return <Loading label="Connecting…" />;
  return (
    <RoomProvider session={roomSession} key={attempt}>
      <RoomView
        session={roomSession}
        signaling={signaling}
        joinRole={role ?? 'viewer'}
        roomName={room.data.name}
        backTo={backTo}
        onRetry={() => setAttempt((a) => a + 1)}
        org={{ orgId: org.id, orgRole: org.role, userId: me.data?.user.id ?? session?.user.id ?? null }}
      />
    </RoomProvider>
  );
}
