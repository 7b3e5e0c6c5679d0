import { describe, expect, it } from 'vitest';
import { connectionQuality, formatBitrate, formatBytes, summarize, worstQuality, type StatsEntry } from './stats';

const e = (type: string, id: string, timestamp: number, fields: Record<string, unknown>): StatsEntry => ({ type, id, timestamp, ...fields });

describe('summarize', () => {
  it('sums simulcast layers of a sender and reads remote loss/RTT', () => {
    const prev = [
      e('outbound-rtp', 'o0', 1000, { bytesSent: 10_000, frameWidth: 640 }),
      e('outbound-rtp', 'o1', 1000, { bytesSent: 50_000, frameWidth: 1280 }),
    ];
    const curr = [
      e('outbound-rtp', 'o0', 2000, { bytesSent: 10_000 + 40_000, frameWidth: 640, codecId: 'c' }),
      e('outbound-rtp', 'o1', 2000, { bytesSent: 50_000 + 160_000, frameWidth: 1280, frameHeight: 720, framesPerSecond: 30, codecId: 'c' }),
      e('codec', 'c', 2000, { mimeType: 'video/VP8' }),
      e('remote-inbound-rtp', 'r0', 2000, { fractionLost: 0.01, roundTripTime: 0.045, jitter: 0.004 }),
    ];
    const s = summarize(curr, prev);
    expect(s.bitrateBps).toBe(1_600_000);
    expect(s).toMatchObject({ width: 1280, height: 720, fps: 30, codec: 'VP8', packetLossPct: 1, rttMs: 45, jitterMs: 4 });
  });

  it('computes receiver loss over the interval and RTT from the selected pair', () => {
    const prev = [e('inbound-rtp', 'i', 0, { bytesReceived: 0, packetsLost: 10, packetsReceived: 1000 })];
    const curr = [
      e('inbound-rtp', 'i', 500, { bytesReceived: 125_000, packetsLost: 15, packetsReceived: 1095, jitter: 0.012 }),
      e('transport', 't', 500, { selectedCandidatePairId: 'cp' }),
      e('candidate-pair', 'cp', 500, { currentRoundTripTime: 0.12 }),
    ];
    const s = summarize(curr, prev);
    expect(s.bitrateBps).toBe(2_000_000);
    expect(s.packetLossPct).toBe(5);
    expect(s.rttMs).toBe(120);
    expect(s.jitterMs).toBe(12);
  });

  it('has no bitrate without a previous snapshot or when counters reset', () => {
    const curr = [e('inbound-rtp', 'i', 500, { bytesReceived: 100 })];
    expect(summarize(curr, null).bitrateBps).toBeNull();
    expect(summarize(curr, [e('inbound-rtp', 'i', 0, { bytesReceived: 900 })]).bitrateBps).toBeNull();
  });
});

describe('connectionQuality', () => {
  it.each([
    [{ rttMs: 40, packetLossPct: 0, jitterMs: 5 }, 'good'],
    [{ rttMs: 300, packetLossPct: 0, jitterMs: 5 }, 'fair'],
    [{ rttMs: 40, packetLossPct: 3, jitterMs: 5 }, 'fair'],
    [{ rttMs: 40, packetLossPct: 10, jitterMs: 5 }, 'poor'],
    [{ rttMs: null, packetLossPct: null, jitterMs: null }, 'unknown'],
  ] as const)('%j -> %s', (s, q) => {
    expect(connectionQuality(s)).toBe(q);
  });

  it('takes the worst', () => {
    expect(worstQuality(['good', 'unknown', 'fair'])).toBe('fair');
    expect(worstQuality(['unknown'])).toBe('unknown');
  });
});

describe('formatting', () => {
  it('formats bitrates and sizes', () => {
    expect(formatBitrate(2_450_000)).toBe('2.5 Mbps');
    expect(formatBitrate(48_000)).toBe('48 kbps');
    expect(formatBitrate(null)).toBe('—');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatBytes(null)).toBe('∞');
  });
});
