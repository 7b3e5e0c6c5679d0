import { useState } from 'react';
import { useRoomContext } from '../context/RoomContext';
import { canModerate, roleRank } from '../core/permissions';
import { useRoomState } from '../hooks/useRoom';
import { MicIcon } from './icons';
import { ConfirmDialog, RoleBadge } from './ui';

/** Everyone in the room; moderators can mute or remove participants ranked not above them. */
export function ParticipantList() {
  const room = useRoomContext();
  const state = useRoomState();
  const [removing, setRemoving] = useState<{ userId: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const myRole = state.self?.role ?? 'viewer';
  const people = Object.values(state.participants).sort((a, b) => roleRank(b.role) - roleRank(a.role) || a.displayName.localeCompare(b.displayName));
  const viewers = people.filter((p) => p.role === 'viewer').length;
  const speaking = (userId: string) => Object.values(state.producers).some((p) => p.userId === userId && p.kind === 'audio' && !p.paused);

  const act = async (fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Action failed.');
    }
  };

  return (
    <div className="people">
      <p className="people-summary">
        {people.length} in the room · {viewers} {viewers === 1 ? 'viewer' : 'viewers'}
      </p>
      {error && (
        <div className="chat-error" role="alert">
          {error}
        </div>
      )}
      <ul className="people-list">
        {people.map((p) => {
          const self = p.userId === state.self?.userId;
          const mod = !self && canModerate(myRole, p.role);
          return (
            <li key={p.userId} className="person">
              <span className="avatar avatar-small" aria-hidden="true">
                {p.displayName.charAt(0).toUpperCase() || '?'}
              </span>
              <span className="person-name">
                {p.displayName}
                {self && <span className="muted"> (you)</span>}
              </span>
              {p.role !== 'viewer' && <RoleBadge role={p.role} />}
              {speaking(p.userId) && (
                <span className="mic-on" title="Microphone on">
                  <MicIcon />
                  <span className="visually-hidden">Microphone on</span>
                </span>
              )}
              {mod && (
                <span className="person-actions">
                  <button type="button" className="btn btn-ghost btn-xs" onClick={() => void act(() => room.muteParticipant(p.userId, 'audio'))} aria-label={`Mute ${p.displayName}`}>
                    Mute
                  </button>
                  <button type="button" className="btn btn-ghost btn-xs btn-danger-text" onClick={() => setRemoving({ userId: p.userId, name: p.displayName })} aria-label={`Remove ${p.displayName}`}>
                    Remove
                  </button>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <ConfirmDialog
        open={!!removing}
        title="Remove participant"
        body={`Remove ${removing?.name ?? ''} from this room?`}
        confirmLabel="Remove"
        danger
        onConfirm={() => {
          const r = removing;
          setRemoving(null);
          if (r) void act(() => room.removeParticipant(r.userId));
        }}
        onCancel={() => setRemoving(null)}
      />
    </div>
  );
}
