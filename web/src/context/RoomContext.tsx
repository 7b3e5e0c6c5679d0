import { createContext, useContext, type ReactNode } from 'react';
import type { RoomSession } from '../core/room';

const RoomContext = createContext<RoomSession | undefined>(undefined);

export function RoomProvider({ session, children }: { session: RoomSession; children: ReactNode }) {
  return <RoomContext.Provider value={session}>{children}</RoomContext.Provider>;
}

/** The room session; throws outside RoomProvider. */
export function useRoomContext(): RoomSession {
  const room = useContext(RoomContext);
  if (!room) throw new Error('useRoomContext() needs a <RoomProvider>');
  return room;
}

/** The room session, or undefined outside RoomProvider. */
export function useMaybeRoomContext(): RoomSession | undefined {
  return useContext(RoomContext);
}

/** Prefers an explicit session over the context. */
export function useEnsureRoom(room?: RoomSession): RoomSession {
  const ctx = useMaybeRoomContext();
  const r = room ?? ctx;
  if (!r) throw new Error('No room session: pass one or render inside <RoomProvider>');
  return r;
}
