import { useApi } from '../context/ApiContext';
import type { Session } from '../core/tokens';
import { useObservableState } from './internal/useObservableState';

/** The signed-in session (null when signed out). */
export function useSession(): Session | null {
  const api = useApi();
  return useObservableState(api.session);
}
