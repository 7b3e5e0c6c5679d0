import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useRoomContext } from '../context/RoomContext';
import { can } from '../core/permissions';
import { SignalingError } from '../core/signaling';
import { useRoomState } from '../hooks/useRoom';
import { RoleBadge } from './ui';

const MARKED_ROLES = new Set(['owner', 'admin', 'host', 'co-host', 'moderator']);

function time(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Room chat: host and moderator messages marked; moderators (and authors) can delete. */
export function ChatPanel() {
  const room = useRoomContext();
  const state = useRoomState();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const myRole = state.self?.role ?? 'viewer';
  const canModerate = can(myRole, 'mute_participants');
  const joined = state.joined;

  useEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [state.chat.length]);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setSending(true);
    setError(null);
    try {
      await room.sendChat(text);
      setText('');
    } catch (err) {
      setError(
        err instanceof SignalingError && err.code === 'rate_limited'
          ? `You're sending messages too fast. Try again in ${err.retryAfter ?? 10} s.`
          : err instanceof Error
            ? err.message
            : 'Message not sent.',
      );
    } finally {
      setSending(false);
    }
  };

  const remove = async (messageId: string) => {
    try {
      await room.deleteChat(messageId);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Could not delete the message.');
    }
  };

  return (
    <div className="chat">
      {/* role="log" on a wrapper: the messages stay a list (<ol> keeps its list role) */}
      <div
        ref={list}
        className="chat-list"
        role="log"
        aria-live="polite"
        aria-label="Chat messages"
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {state.chat.length === 0 ? (
          <p className="chat-empty">No messages yet. Say hello!</p>
        ) : (
          <ol className="chat-items">
            {state.chat.map((m) => {
              const marked = MARKED_ROLES.has(m.role);
              const own = m.userId === state.self?.userId;
              return (
                <li key={m.messageId} className={`chat-msg${marked ? ' chat-msg-marked' : ''}`}>
                  <div className="chat-meta">
                    <span className="chat-name">{m.displayName}</span>
                    {marked && <RoleBadge role={m.role} />}
                    <time className="chat-time" dateTime={m.sentAt}>
                      {time(m.sentAt)}
                    </time>
                    {(canModerate || own) && (
                      <button type="button" className="chat-delete" aria-label={`Delete message from ${m.displayName}`} onClick={() => void remove(m.messageId)}>
                        Delete
                      </button>
                    )}
                  </div>
                  <p className="chat-text">{m.text}</p>
                </li>
              );
            })}
          </ol>
        )}
      </div>
      <form className="chat-form" onSubmit={send}>
        <label htmlFor="chat-input" className="visually-hidden">
          Message
        </label>
        <input
          id="chat-input"
          value={text}
          maxLength={2000}
          placeholder={joined ? 'Write a message…' : 'Chat is available once connected'}
          disabled={!joined}
          onChange={(e) => setText(e.target.value)}
          autoComplete="off"
        />
        <button type="submit" className="btn btn-primary btn-small" disabled={!joined || sending || !text.trim()}>
          Send
        </button>
      </form>
      {error && (
        <div className="chat-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
