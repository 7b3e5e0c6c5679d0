/**
 * Viewer quality menu and host screen-share presets.
 *
 * The host's camera is sent as three simulcast layers (spatial 0/1/2 = 360p/720p/1080p);
 * the viewer's choice maps to `set-preferred-layers.spatialLayer`. "Auto" asks for the top
 * layer and lets the SFU's bandwidth estimation step down.
 */
export type QualityChoice = 'auto' | '1080p' | '720p' | '360p';

export const QUALITY_CHOICES: { value: QualityChoice; label: string }[] = [
  { value: 'auto', label: 'Auto' },
  { value: '1080p', label: '1080p' },
  { value: '720p', label: '720p' },
  { value: '360p', label: '360p' },
];

export interface PreferredLayers {
  spatialLayer: number;
  temporalLayer?: number;
}

/** `set-preferred-layers` data for a choice; `maxSpatialLayer` is the consumer's top layer. */
export function layersFor(choice: QualityChoice, maxSpatialLayer = 2): PreferredLayers {
  const wanted = choice === '1080p' || choice === 'auto' ? 2 : choice === '720p' ? 1 : 0;
  const spatialLayer = Math.max(0, Math.min(wanted, maxSpatialLayer));
  return choice === 'auto' ? { spatialLayer } : { spatialLayer, temporalLayer: 2 };
}

/** The choice a received `layers-set` corresponds to (for the menu's checked item). */
export function choiceForLayer(spatialLayer: number): Exclude<QualityChoice, 'auto'> {
  return spatialLayer >= 2 ? '1080p' : spatialLayer === 1 ? '720p' : '360p';
}

/** Camera simulcast encodings matching the layers above (capture 1920x1080). */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 3, maxBitrate: 350_000, maxFramerate: 30 },
  { rid: 'r1', scaleResolutionDownBy: 1.5, maxBitrate: 1_200_000, maxFramerate: 30 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 3_000_000, maxFramerate: 30 },
];

export type ScreenPreset = 'sharp' | 'smooth';

export interface ScreenPresetConfig {
  label: string;
  description: string;
  contentHint: 'detail' | 'text' | 'motion';
  constraints: MediaTrackConstraints;
  encodings: RTCRtpEncodingParameters[];
}

/**
 * Screen share: "Sharp text" keeps full resolution (charts, order books) at a low frame rate,
 * one high-resolution encoding; "Smooth motion" favours frame rate (scrolling, replays).
 */
export const SCREEN_PRESETS: Record<ScreenPreset, ScreenPresetConfig> = {
  sharp: {
    label: 'Sharp text',
    description: 'Full resolution, up to 15 fps: best for charts and order books.',
    contentHint: 'detail',
    constraints: { width: { ideal: 2560, max: 3840 }, height: { ideal: 1440, max: 2160 }, frameRate: { ideal: 15, max: 15 } },
    encodings: [{ maxBitrate: 6_000_000, maxFramerate: 15, scaleResolutionDownBy: 1 }],
  },
  smooth: {
    label: 'Smooth motion',
    description: 'Up to 30 fps at 1080p: best for video and fast scrolling.',
    contentHint: 'motion',
    constraints: { width: { ideal: 1920, max: 1920 }, height: { ideal: 1080, max: 1080 }, frameRate: { ideal: 30, max: 30 } },
    encodings: [{ maxBitrate: 4_000_000, maxFramerate: 30, scaleResolutionDownBy: 1 }],
  },
};
