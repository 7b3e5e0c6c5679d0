import { describe, expect, it } from 'vitest';
import { classifyRequest } from './sw';

const origin = 'https://app.example.com';
const precache = new Set(['/', '/index.html', '/assets/index-abc.js', '/manifest.webmanifest']);
const req = (url: string, extra: Partial<{ method: string; mode: string; hasRange: boolean }> = {}) => ({
  method: 'GET',
  mode: 'cors',
  hasRange: false,
  url: origin + url,
  ...extra,
});

describe('classifyRequest', () => {
  it.each([
    ['/api/v1/me', 'bypass'],
    ['/api/v1/organizations', 'bypass'],
    ['/ws', 'bypass'],
    ['/.well-known/jwks.json', 'bypass'],
    ['/health', 'bypass'],
    ['/assets/index-abc.js', 'shell'],
    ['/manifest.webmanifest', 'shell'],
    ['/assets/unknown.js', 'bypass'],
  ])('%s -> %s', (path, route) => {
    expect(classifyRequest(req(path), origin, precache)).toBe(route);
  });

  it('treats SPA navigations as navigation, but never API navigations', () => {
    expect(classifyRequest(req('/rooms/room_1', { mode: 'navigate' }), origin, precache)).toBe('navigation');
    expect(classifyRequest(req('/api/v1/me', { mode: 'navigate' }), origin, precache)).toBe('bypass');
  });

  it('bypasses non-GET, range (media) and cross-origin requests', () => {
    expect(classifyRequest(req('/index.html', { method: 'POST' }), origin, precache)).toBe('bypass');
    expect(classifyRequest(req('/index.html', { hasRange: true }), origin, precache)).toBe('bypass');
    expect(classifyRequest({ ...req('/'), url: 'https://cdn.example.com/index.html' }, origin, precache)).toBe('bypass');
  });
});
