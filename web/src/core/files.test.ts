import { describe, expect, it } from 'vitest';
import type { FileInfo } from './apiTypes';
import { ApiError } from './errors';
import { canDeleteFile, canUpload, describeUploadError, fileKind, MAX_FILE_NAME, MAX_UPLOAD_BYTES, sortFiles, uploadName, validateUpload } from './files';

const file = (over: Partial<FileInfo> = {}): FileInfo => ({
  id: 'file_1', organizationId: 'org_1', roomId: 'room_1', name: 'plan.pdf', contentType: 'application/pdf',
  sizeBytes: 10, uploadedBy: 'usr_host', createdAt: '2026-11-26T04:02:33Z', ...over,
});

describe('upload checks', () => {
  it('accepts a normal file, refuses empty and oversized ones before sending', () => {
    expect(validateUpload({ name: 'a.png', size: 1 })).toBeNull();
    expect(validateUpload({ name: 'a.png', size: MAX_UPLOAD_BYTES })).toBeNull();
    expect(validateUpload({ name: 'a.png', size: 0 })).toMatch(/empty/);
    expect(validateUpload({ name: 'big.mov', size: MAX_UPLOAD_BYTES + 1 })).toMatch(/at most 25 MB/);
  });

  it('cleans and shortens names, keeping the extension', () => {
    expect(uploadName('a/b\\c.txt')).toBe('a_b_c.txt');
    expect(uploadName('  x.png ')).toBe('x.png');
    const long = uploadName(`${'n'.repeat(300)}.xlsx`);
    expect([...long]).toHaveLength(MAX_FILE_NAME);
    expect(long.endsWith('.xlsx')).toBe(true);
    expect([...uploadName('€'.repeat(250))]).toHaveLength(MAX_FILE_NAME);
  });
});

describe('upload errors keep the server message', () => {
  it('402 storage limit', () => {
    const err = new ApiError(402, 'storage_limit_exceeded', 'the Starter plan allows 5368709120 storages; upgrade to add more', { limit: 'storages', max: 5 * 1024 ** 3, current: 1, plan: 'starter' });
    const text = describeUploadError(err);
    expect(text).toMatch(/^Storage is full: the Starter plan includes 5\.0 GB storage/);
    expect(text).toContain('the Starter plan allows 5368709120 storages');
  });
  it('413 too large', () => {
    expect(describeUploadError(new ApiError(413, 'payload_too_large', 'request body too large'))).toBe('The file is too large: at most 25 MB per file (request body too large).');
  });
  it('429 with Retry-After', () => {
    const text = describeUploadError(new ApiError(429, 'rate_limited', 'too many requests', { retryAfter: 1800 }, null, 1800));
    expect(text).toMatch(/^Upload limit reached: 10 uploads per hour\. Try again in 30 min\./);
    expect(text).toContain('too many requests');
    expect(describeUploadError(new ApiError(429, 'rate_limited', '', { retryAfter: 12 }))).toMatch(/Try again in 12 s\./);
  });
  it('other errors use the general wording', () => {
    expect(describeUploadError(new ApiError(0, 'network_error', 'Network error'))).toMatch(/Can't reach the server/);
    expect(describeUploadError(new ApiError(403, 'forbidden', 'missing permission upload_files'))).toMatch(/can't upload/);
  });
});

describe('who may upload and delete (blueprint matrix, organization role)', () => {
  it.each([
    ['owner', true], ['admin', true], ['host', true], ['co-host', true], ['moderator', false], ['viewer', false], ['nobody', false],
  ])('%s upload: %s', (role, ok) => expect(canUpload(role)).toBe(ok));

  it('uploaders delete their own files; owners and admins delete any', () => {
    const f = file({ uploadedBy: 'usr_host' });
    expect(canDeleteFile('host', 'usr_host', f)).toBe(true);
    expect(canDeleteFile('host', 'usr_other', f)).toBe(false);
    expect(canDeleteFile('co-host', 'usr_other', f)).toBe(false);
    expect(canDeleteFile('admin', 'usr_other', f)).toBe(true);
    expect(canDeleteFile('owner', 'usr_other', f)).toBe(true);
    expect(canDeleteFile('viewer', 'usr_other', f)).toBe(false);
    expect(canDeleteFile('moderator', 'usr_other', f)).toBe(false);
    // a former host, now a viewer, lost upload_files: no delete even of their own file
    expect(canDeleteFile('viewer', 'usr_host', f)).toBe(false);
    expect(canDeleteFile('host', null, f)).toBe(false);
  });
});

describe('list helpers', () => {
  it('sorts newest first, then by name', () => {
    const list = [
      file({ id: 'a', name: 'b', createdAt: '2026-01-01T00:00:00Z' }),
      file({ id: 'b', name: 'z', createdAt: '2026-01-02T00:00:00Z' }),
      file({ id: 'c', name: 'a', createdAt: '2026-01-01T00:00:00Z' }),
    ];
    expect(sortFiles(list).map((f) => f.id)).toEqual(['b', 'c', 'a']);
    expect(list.map((f) => f.id)).toEqual(['a', 'b', 'c']); // not in place
  });
  it('describes the kind', () => {
    expect(fileKind({ name: 'chart.png', contentType: 'image/png' })).toBe('PNG image');
    expect(fileKind({ name: 'notes.pdf', contentType: 'application/pdf' })).toBe('PDF');
    expect(fileKind({ name: 'README', contentType: 'application/octet-stream' })).toBe('File');
    expect(fileKind({ name: 'clip', contentType: 'video/mp4' })).toBe('Video');
  });
});
