import { describe, expect, it } from 'vitest';
import { CAMERA_ENCODINGS, choiceForLayer, layersFor, SCREEN_PRESETS } from './quality';

describe('quality menu mapping', () => {
  it.each([
    ['auto', { spatialLayer: 2 }],
    ['1080p', { spatialLayer: 2, temporalLayer: 2 }],
    ['720p', { spatialLayer: 1, temporalLayer: 2 }],
    ['360p', { spatialLayer: 0, temporalLayer: 2 }],
  ] as const)('%s -> %j', (choice, layers) => {
    expect(layersFor(choice)).toEqual(layers);
  });

  it('clamps to the layers the producer has', () => {
    expect(layersFor('1080p', 0)).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    expect(layersFor('auto', 1)).toEqual({ spatialLayer: 1 });
  });

  it('maps reported layers back to a menu item', () => {
    expect([0, 1, 2, 3].map(choiceForLayer)).toEqual(['360p', '720p', '1080p', '1080p']);
  });

  it('sends three camera layers, smallest first (spatial 0 = 360p of a 1080p capture)', () => {
    expect(CAMERA_ENCODINGS.map((e) => 1080 / (e.scaleResolutionDownBy ?? 1))).toEqual([360, 720, 1080]);
  });

  it('shares the screen as one full-resolution encoding with the detail hint for text', () => {
    expect(SCREEN_PRESETS.sharp.encodings).toHaveLength(1);
    expect(SCREEN_PRESETS.sharp.encodings[0]!.scaleResolutionDownBy).toBe(1);
    expect(SCREEN_PRESETS.sharp.contentHint).toBe('detail');
    expect(SCREEN_PRESETS.smooth.contentHint).toBe('motion');
  });
});
