#!/usr/bin/env node
// Draws the app icon (rounded tile, price line, three candles) as SVG and as PNGs
// (192, 512, maskable 512) into public/icons/, with no dependencies: a tiny rasterizer
// with 4x4 supersampling and a PNG encoder on node:zlib. Run: npm run icons
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const out = join(dirname(fileURLToPath(import.meta.url)), '../public/icons');
mkdirSync(out, { recursive: true });

// Shapes in a 64x64 design space.
const BG = [0x11, 0x1a, 0x2e];
const BLUE = [0x3b, 0x82, 0xf6];
const GREEN = [0x22, 0xc5, 0x5e];
const RED = [0xef, 0x44, 0x44];
const line = [[10, 44], [24, 30], [34, 38], [52, 18]];
const candles = [
  { x: 14, y: 46, w: 6, h: 8, c: GREEN },
  { x: 29, y: 42, w: 6, h: 12, c: RED },
  { x: 44, y: 38, w: 6, h: 16, c: GREEN },
];

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function inRoundRect(x, y, rx, ry, w, h, r) {
  if (x < rx || y < ry || x > rx + w || y > ry + h) return false;
  const cx = Math.min(Math.max(x, rx + r), rx + w - r);
  const cy = Math.min(Math.max(y, ry + r), ry + h - r);
  return Math.hypot(x - cx, y - cy) <= r;
}

/** Colour at design-space point, or null (transparent). `full` = full-bleed (maskable). */
function sample(x, y, full) {
  let c = null;
  if (full ? true : inRoundRect(x, y, 0, 0, 64, 64, 14)) c = BG;
  if (!c) return null;
  for (const k of candles) if (inRoundRect(x, y, k.x, k.y, k.w, k.h, 1.5)) c = k.c;
  for (let i = 0; i < line.length - 1; i++) if (distToSegment(x, y, line[i], line[i + 1]) <= 2.5) c = BLUE;
  if (Math.hypot(x - 52, y - 18) <= 5) c = RED;
  return c;
}

function render(size, { maskable = false } = {}) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  // maskable: content scaled into the 80% safe zone on a full-bleed background
  const scale = maskable ? 0.72 : 1;
  const offset = (64 - 64 * scale) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const dx = ((x + (sx + 0.5) / S) / size) * 64;
          const dy = ((y + (sy + 0.5) / S) / size) * 64;
          let c;
          if (maskable) {
            c = sample((dx - offset) / scale, (dy - offset) / scale, true);
            if ((dx - offset) / scale < 0 || (dx - offset) / scale > 64 || (dy - offset) / scale < 0 || (dy - offset) / scale > 64) c = BG;
          } else c = sample(dx, dy, false);
          if (c) {
            r += c[0]; g += c[1]; b += c[2]; a += 255;
          }
        }
      }
      const n = S * S;
      const i = (y * size + x) * 4;
      const cov = a / 255;
      px[i] = cov ? Math.round(r / cov) : 0;
      px[i + 1] = cov ? Math.round(g / cov) : 0;
      px[i + 2] = cov ? Math.round(b / cov) : 0;
      px[i + 3] = Math.round(a / n);
    }
  }
  return png(size, size, px);
}

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png(w, h, rgba) {
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, y * w * 4, w * 4).copy(raw, y * (w * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const hex = (c) => '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="14" fill="${hex(BG)}"/>
  <path d="M${line.map((p) => p.join(' ')).join(' L')}" fill="none" stroke="${hex(BLUE)}" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>
${candles.map((k) => `  <rect x="${k.x}" y="${k.y}" width="${k.w}" height="${k.h}" rx="1.5" fill="${hex(k.c)}"/>`).join('\n')}
  <circle cx="52" cy="18" r="5" fill="${hex(RED)}"/>
</svg>
`;

writeFileSync(join(out, 'icon.svg'), svg);
writeFileSync(join(out, 'icon-192.png'), render(192));
writeFileSync(join(out, 'icon-512.png'), render(512));
writeFileSync(join(out, 'icon-maskable-512.png'), render(512, { maskable: true }));
console.log(`icons written to ${out}`);
