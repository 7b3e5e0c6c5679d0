import { describe, expect, it } from 'vitest';
import { initialRoomState, type RemoteProducer, type RoomState } from './roomState';
import { leadPresenter, studioAudio, studioTiles, tileLabel, viewerLayout } from './tiles';

function producer(producerId: string, userId: string, source: string, over: Partial<RemoteProducer> = {}): RemoteProducer {
  return { producerId, userId, kind: source === 'microphone' ? 'audio' : 'video', source, paused: false, consumerId: `c-${producerId}`, receivedLayer: null, ...over };
}

function room(self: { userId: string; role: string }, producers: RemoteProducer[]): RoomState {
  const s = initialRoomState('room_1');
  return {
    ...s,
    self: { ...self, displayName: 'Me' },
    participants: {
      u_host: { userId: 'u_host', displayName: 'Hannah Host', role: 'host' },
      u_co: { userId: 'u_co', displayName: 'Carl Cohost', role: 'co-host' },
      u_co2: { userId: 'u_co2', displayName: 'Ann Cohost', role: 'co-host' },
      u_view: { userId: 'u_view', displayName: 'Victor', role: 'viewer' },
    },
    producers: Object.fromEntries(producers.map((p) => [p.producerId, p])),
  };
}

const viewer = { userId: 'u_view', role: 'viewer' };

describe('viewer layout with several presenters', () => {
  it('one host: same as before (screen main, camera inset), no tiles', () => {
    const s = room(viewer, [producer('hs', 'u_host', 'screen'), producer('hc', 'u_host', 'camera'), producer('hm', 'u_host', 'microphone')]);
    const l = viewerLayout(s);
    expect(l.main?.producerId).toBe('hs');
    expect(l.inset?.producerId).toBe('hc');
    expect(l.tiles).toEqual([]);
    expect(l.audio.map((p) => p.producerId)).toEqual(['hm']);
  });

  it('host camera on the stage, co-host cameras as tiles, everyone audible', () => {
    // the co-host published first: still the host leads
    const s = room(viewer, [producer('cc', 'u_co', 'camera'), producer('cm', 'u_co', 'microphone'), producer('hc', 'u_host', 'camera'), producer('hm', 'u_host', 'microphone'), producer('c2', 'u_co2', 'camera')]);
    const l = viewerLayout(s);
    expect(leadPresenter(s)).toBe('u_host');
    expect(l.main?.producerId).toBe('hc');
    expect(l.inset).toBeNull();
    expect(l.tiles.map((t) => [t.producerId, t.displayName, t.role])).toEqual([['c2', 'Ann Cohost', 'co-host'], ['cc', 'Carl Cohost', 'co-host']]);
    expect(l.audio.map((p) => p.producerId).sort()).toEqual(['cm', 'hm']);
  });

  it('a co-host sharing the screen leads; the host camera becomes a tile', () => {
    const s = room(viewer, [producer('hc', 'u_host', 'camera'), producer('cs', 'u_co', 'screen'), producer('cc', 'u_co', 'camera')]);
    const l = viewerLayout(s);
    expect(l.main?.producerId).toBe('cs');
    expect(l.inset?.producerId).toBe('cc');
    expect(l.tiles.map((t) => t.producerId)).toEqual(['hc']);
  });

  it('a paused host camera does not keep a live co-host off the stage', () => {
    const s = room(viewer, [producer('hc', 'u_host', 'camera', { paused: true }), producer('cc', 'u_co', 'camera')]);
    expect(viewerLayout(s).main?.producerId).toBe('cc');
    expect(viewerLayout(s).tiles.map((t) => [t.producerId, t.paused])).toEqual([['hc', true]]);
  });

  it('nobody presenting: empty', () => {
    const l = viewerLayout(room(viewer, []));
    expect([l.main, l.inset, l.tiles, l.audio]).toEqual([null, null, [], []]);
  });
});

describe('host studio tiles', () => {
  it('shows every other presenter\'s video, never the host\'s own', () => {
    const s = room({ userId: 'u_host', role: 'host' }, [producer('hc', 'u_host', 'camera'), producer('cc', 'u_co', 'camera'), producer('cs', 'u_co', 'screen'), producer('cm', 'u_co', 'microphone')]);
    expect(studioTiles(s).map((t) => t.producerId)).toEqual(['cc', 'cs']);
    expect(studioAudio(s).map((p) => p.producerId)).toEqual(['cm']);
  });

  it('a co-host sees the host first', () => {
    const s = room({ userId: 'u_co', role: 'co-host' }, [producer('c2', 'u_co2', 'camera'), producer('hc', 'u_host', 'camera')]);
    expect(studioTiles(s).map((t) => t.producerId)).toEqual(['hc', 'c2']);
  });

  it('audio not yet consumed is left out', () => {
    const s = room({ userId: 'u_host', role: 'host' }, [producer('cm', 'u_co', 'microphone', { consumerId: null })]);
    expect(studioAudio(s)).toEqual([]);
  });

  it('labels', () => {
    expect(tileLabel({ displayName: 'Carl Cohost', source: 'camera' })).toBe('Carl Cohost camera');
    expect(tileLabel({ displayName: 'Carl Cohost', source: 'screen' })).toBe('Carl Cohost screen');
  });
});
