/** Exponential backoff with jitter for reconnects. */
export interface BackoffOptions {
  /** First delay (ms). Default 500. */
  initialMs?: number;
  /** Cap (ms). Default 15 000. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Fraction of the delay that is random: 0 = none, 1 = full jitter. Default 0.5. */
  jitter?: number;
}

/**
 * Delay before reconnect attempt `attempt` (0-based):
 * `d = min(max, initial * factor^attempt)`, then a random share `jitter` of it is drawn:
 * `d * (1 - jitter) + d * jitter * random()`. With random() = 1 this is exactly `d`.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = opts.initialMs ?? 500;
  const max = opts.maxMs ?? 15_000;
  const factor = opts.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, opts.jitter ?? 0.5));
  const base = Math.min(max, initial * Math.pow(factor, Math.max(0, attempt)));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
