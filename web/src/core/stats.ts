/**
 * getStats() digestion: bitrates from two snapshots, loss, RTT, jitter, frame rate, and a
 * three-level connection quality. Pure functions over plain stats objects (an RTCStatsReport
 * is turned into an array with `statsEntries`).
 */

export interface StatsEntry {
  id: string;
  type: string;
  timestamp: number;
  [key: string]: unknown;
}

export type Quality = 'good' | 'fair' | 'poor' | 'unknown';

export interface MediaStats {
  /** Bits per second over the interval (sum of simulcast layers for a sender). */
  bitrateBps: number | null;
  /** Percentage of packets lost over the interval (receivers) or as reported by the far end (senders). */
  packetLossPct: number | null;
  rttMs: number | null;
  jitterMs: number | null;
  fps: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  /** Available outgoing bandwidth estimate of the transport (senders). */
  availableBitrateBps: number | null;
}

export const EMPTY_STATS: MediaStats = {
  bitrateBps: null,
  packetLossPct: null,
  rttMs: null,
  jitterMs: null,
  fps: null,
  width: null,
  height: null,
  codec: null,
  availableBitrateBps: null,
};

/** RTCStatsReport (a Map-like) to a plain array. */
export function statsEntries(report: { forEach(cb: (value: unknown) => void): void }): StatsEntry[] {
  const out: StatsEntry[] = [];
  report.forEach((v) => out.push(v as StatsEntry));
  return out;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function sumField(entries: StatsEntry[], type: string, field: string): { total: number; ts: number } | null {
  let total = 0;
  let ts = 0;
  let any = false;
  for (const e of entries) {
    if (e.type !== type) continue;
    const v = num(e[field]);
    if (v === null) continue;
    total += v;
    ts = Math.max(ts, e.timestamp);
    any = true;
  }
  return any ? { total, ts } : null;
}

function rate(curr: { total: number; ts: number } | null, prev: { total: number; ts: number } | null): number | null {
  if (!curr || !prev) return null;
  const dt = (curr.ts - prev.ts) / 1000;
  if (dt <= 0) return null;
  const d = curr.total - prev.total;
  if (d < 0) return null; // counters reset (new transport)
  return d / dt;
}

/** Summarizes a producer's/consumer's stats; `prev` is the previous snapshot or null. */
export function summarize(curr: StatsEntry[], prev: StatsEntry[] | null): MediaStats {
  const out: MediaStats = { ...EMPTY_STATS };
  const sending = curr.some((e) => e.type === 'outbound-rtp');
  const rtpType = sending ? 'outbound-rtp' : 'inbound-rtp';
  const bytesField = sending ? 'bytesSent' : 'bytesReceived';

  const bytesPerSec = rate(sumField(curr, rtpType, bytesField), prev ? sumField(prev, rtpType, bytesField) : null);
  out.bitrateBps = bytesPerSec === null ? null : Math.round(bytesPerSec * 8);

  const rtp = curr.filter((e) => e.type === rtpType);
  // the largest layer describes what is seen
  let best: StatsEntry | undefined;
  for (const e of rtp) if (!best || (num(e.frameWidth) ?? 0) > (num(best.frameWidth) ?? 0)) best = e;
  if (best) {
    out.fps = num(best.framesPerSecond);
    out.width = num(best.frameWidth);
    out.height = num(best.frameHeight);
    const codec = curr.find((e) => e.type === 'codec' && e.id === best!.codecId);
    if (codec && typeof codec.mimeType === 'string') out.codec = codec.mimeType.replace(/^(audio|video)\//, '');
  }

  if (sending) {
    const remote = curr.filter((e) => e.type === 'remote-inbound-rtp');
    const losses = remote.map((e) => num(e.fractionLost)).filter((v): v is number => v !== null);
    if (losses.length) out.packetLossPct = Math.round(Math.max(...losses) * 1000) / 10;
    const rtts = remote.map((e) => num(e.roundTripTime)).filter((v): v is number => v !== null);
    if (rtts.length) out.rttMs = Math.round(Math.max(...rtts) * 1000);
    const jit = remote.map((e) => num(e.jitter)).filter((v): v is number => v !== null);
    if (jit.length) out.jitterMs = Math.round(Math.max(...jit) * 1000);
  } else {
    const lost = sumField(curr, 'inbound-rtp', 'packetsLost');
    const recv = sumField(curr, 'inbound-rtp', 'packetsReceived');
    if (prev && lost && recv) {
      const pl = sumField(prev, 'inbound-rtp', 'packetsLost');
      const pr = sumField(prev, 'inbound-rtp', 'packetsReceived');
      if (pl && pr) {
        const dl = lost.total - pl.total;
        const dr = recv.total - pr.total;
        if (dl >= 0 && dr >= 0 && dl + dr > 0) out.packetLossPct = Math.round((dl / (dl + dr)) * 1000) / 10;
      }
    }
    const jit = rtp.map((e) => num(e.jitter)).filter((v): v is number => v !== null);
    if (jit.length) out.jitterMs = Math.round(Math.max(...jit) * 1000);
  }

  // transport-level: the selected candidate pair
  const transport = curr.find((e) => e.type === 'transport');
  const selectedId = transport && typeof transport.selectedCandidatePairId === 'string' ? transport.selectedCandidatePairId : null;
  const pair =
    curr.find((e) => e.type === 'candidate-pair' && e.id === selectedId) ??
    curr.find((e) => e.type === 'candidate-pair' && e.nominated === true && e.state === 'succeeded');
  if (pair) {
    const rtt = num(pair.currentRoundTripTime);
    if (rtt !== null && out.rttMs === null) out.rttMs = Math.round(rtt * 1000);
    out.availableBitrateBps = num(pair.availableOutgoingBitrate);
  }
  return out;
}

/** Good / fair / poor from RTT and loss (thresholds of common conferencing UIs). */
export function connectionQuality(s: Pick<MediaStats, 'rttMs' | 'packetLossPct' | 'jitterMs'>): Quality {
  if (s.rttMs === null && s.packetLossPct === null) return 'unknown';
  const rtt = s.rttMs ?? 0;
  const loss = s.packetLossPct ?? 0;
  const jitter = s.jitterMs ?? 0;
  if (loss >= 8 || rtt >= 600 || jitter >= 100) return 'poor';
  if (loss >= 2 || rtt >= 250 || jitter >= 40) return 'fair';
  return 'good';
}

/** Worst of several qualities (unknown ignored unless all unknown). */
export function worstQuality(qs: Quality[]): Quality {
  const order: Quality[] = ['poor', 'fair', 'good'];
  for (const q of order) if (qs.includes(q)) return q;
  return 'unknown';
}

export function formatBitrate(bps: number | null): string {
  if (bps === null) return '—';
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(bps >= 10_000_000 ? 0 : 1)} Mbps`;
  if (bps >= 1_000) return `${Math.round(bps / 1_000)} kbps`;
  return `${Math.round(bps)} bps`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '∞';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
