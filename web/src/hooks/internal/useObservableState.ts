import { useCallback, useSyncExternalStore } from 'react';
import type { ReadonlyObservable } from '../../core/observable';

/** Subscribes to a core observable; unsubscribes on cleanup. Server render: initial value. */
export function useObservableState<T>(observable: ReadonlyObservable<T>): T;
export function useObservableState<T>(observable: ReadonlyObservable<T> | null | undefined): T | undefined;
export function useObservableState<T>(observable: ReadonlyObservable<T> | null | undefined): T | undefined {
  const subscribe = useCallback((onChange: () => void) => (observable ? observable.subscribe(onChange) : () => undefined), [observable]);
  const get = useCallback(() => observable?.get(), [observable]);
  return useSyncExternalStore(subscribe, get, get);
}
