import { createContext, useContext, type ReactNode } from 'react';
import type { ApiClient } from '../core/api';

const ApiContext = createContext<ApiClient | undefined>(undefined);

export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** The REST client; throws outside ApiProvider. */
export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider>');
  return api;
}

export function useMaybeApi(): ApiClient | undefined {
  return useContext(ApiContext);
}
