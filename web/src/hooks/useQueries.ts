/** Server state through the query cache (one hook per resource). */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../context/ApiContext';
import { useSession } from './useSession';

export const keys = {
  me: ['me'] as const,
  workspaces: (orgId: string) => ['org', orgId, 'workspaces'] as const,
  rooms: (orgId: string) => ['org', orgId, 'rooms'] as const,
  usage: (orgId: string) => ['org', orgId, 'usage'] as const,
  members: (orgId: string) => ['org', orgId, 'members'] as const,
  invitations: (orgId: string) => ['org', orgId, 'invitations'] as const,
  apiKeys: (orgId: string) => ['org', orgId, 'api-keys'] as const,
  audit: (orgId: string, action: string) => ['org', orgId, 'audit', action] as const,
  room: (roomId: string) => ['room', roomId] as const,
  plans: ['plans'] as const,
  org: (orgId: string) => ['org', orgId] as const,
};

export function useMe() {
  const api = useApi();
  const session = useSession();
  return useQuery({ queryKey: [...keys.me, session?.user.id], queryFn: () => api.me(), enabled: !!session });
}

export function useOrganization(orgId: string | undefined) {
  const me = useMe();
  const org = me.data?.organizations.find((o) => o.id === orgId);
  return { ...me, org };
}

export function useWorkspaces(orgId: string | undefined) {
  const api = useApi();
  return useQuery({ queryKey: keys.workspaces(orgId ?? ''), queryFn: () => api.listWorkspaces(orgId!), enabled: !!orgId });
}

/** Rooms with their live status and viewer count (refreshed every 15 s). */
export function useRooms(orgId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: keys.rooms(orgId ?? ''),
    queryFn: () => api.listOrganizationRooms(orgId!),
    enabled: !!orgId,
    refetchInterval: 15_000,
  });
}

export function useUsage(orgId: string | undefined) {
  const api = useApi();
  return useQuery({ queryKey: keys.usage(orgId ?? ''), queryFn: () => api.getUsage(orgId!), enabled: !!orgId });
}

export function usePlans() {
  const api = useApi();
  return useQuery({ queryKey: keys.plans, queryFn: () => api.listPlans(), staleTime: 3_600_000 });
}

export function useRoom(roomId: string) {
  const api = useApi();
  return useQuery({ queryKey: keys.room(roomId), queryFn: () => api.getRoom(roomId) });
}

/** Invalidates everything cached about an organization (after a mutation). */
export function useInvalidateOrg() {
  const qc = useQueryClient();
  return (orgId: string) => qc.invalidateQueries({ queryKey: ['org', orgId] });
}
