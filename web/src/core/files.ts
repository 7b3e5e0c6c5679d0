/**
 * Room files (docs/api.md "files"): the rules the UI applies before and after an upload, and
 * who may delete what. The server enforces all of it; this only avoids pointless uploads and
 * words the answers for people.
 */
import type { FileInfo } from './apiTypes';
import { ApiError, describeError, planName } from './errors';
import { can } from './permissions';
import { formatBytes } from './stats';

/** The server's default `--max-upload-bytes` (25 MiB). */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
/** The server keeps at most 200 characters of a name (openapi.yaml says 255). */
export const MAX_FILE_NAME = 200;
/** Uploads per hour and user (blueprint section 6). */
export const UPLOADS_PER_HOUR = 10;

/** Why a file is not sent at all, or null when it may be uploaded. */
export function validateUpload(file: { name: string; size: number }, maxBytes = MAX_UPLOAD_BYTES): string | null {
  if (file.size === 0) return `“${file.name}” is empty.`;
  if (file.size > maxBytes) return `“${file.name}” is ${formatBytes(file.size)}; files can be at most ${formatBytes(maxBytes)}.`;
  if (!file.name.trim()) return 'The file has no name.';
  return null;
}

/**
 * The name sent to the server: path separators and control characters replaced, trimmed to
 * MAX_FILE_NAME characters keeping the extension.
 */
export function uploadName(name: string): string {
  // eslint-disable-next-line no-control-regex
  let n = name.replace(/[\u0000-\u001f/\\]/g, '_').trim();
  if ([...n].length <= MAX_FILE_NAME) return n;
  const chars = [...n];
  const dot = n.lastIndexOf('.');
  const ext = dot > 0 && n.length - dot <= 16 ? [...n.slice(dot)] : [];
  n = chars.slice(0, MAX_FILE_NAME - ext.length).join('') + ext.join('');
  return n;
}

/** An upload error for people; 402/413/429 keep the server's own message. */
export function describeUploadError(err: unknown): string {
  if (!(err instanceof ApiError)) return describeError(err);
  const serverMessage = err.message ? ` (${err.message})` : '';
  const d = err.details ?? {};
  if (err.status === 402) {
    const max = typeof d.max === 'number' ? formatBytes(d.max) : null;
    const plan = typeof d.plan === 'string' ? planName(d.plan) : 'current';
    return `Storage is full: the ${plan} plan includes ${max ?? 'limited'} storage. Delete files or upgrade the plan${serverMessage}.`;
  }
  if (err.status === 413) return `The file is too large: at most ${formatBytes(MAX_UPLOAD_BYTES)} per file${serverMessage}.`;
  if (err.status === 429) {
    const after = err.retryAfter ?? (typeof d.retryAfter === 'number' ? d.retryAfter : null);
    const wait = after ? ` Try again in ${formatWait(after)}.` : ' Try again later.';
    return `Upload limit reached: ${UPLOADS_PER_HOUR} uploads per hour.${wait}${serverMessage ? ` Server: ${err.message}.` : ''}`;
  }
  if (err.status === 403) return `Your role can't upload files${serverMessage}.`;
  return describeError(err);
}

export function formatWait(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** Uploads need `upload_files` in the organization (owner, admin, host, co-host). */
export function canUpload(orgRole: string | null | undefined): boolean {
  return can(orgRole, 'upload_files');
}

/** Delete: one's own upload with `upload_files`, or anything with `manage_organization`. */
export function canDeleteFile(orgRole: string | null | undefined, userId: string | null | undefined, file: Pick<FileInfo, 'uploadedBy'>): boolean {
  if (can(orgRole, 'manage_organization')) return true;
  return !!userId && file.uploadedBy === userId && can(orgRole, 'upload_files');
}

/** Newest first, then by name (the server lists oldest first). */
export function sortFiles(files: readonly FileInfo[]): FileInfo[] {
  return [...files].sort((a, b) => (a.createdAt === b.createdAt ? a.name.localeCompare(b.name) : a.createdAt < b.createdAt ? 1 : -1));
}

/** A short description of a file type for the list ("PDF", "PNG image", ...). */
export function fileKind(file: Pick<FileInfo, 'name' | 'contentType'>): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(file.name)?.[1]?.toUpperCase();
  const [major] = file.contentType.split('/');
  if (major === 'image') return `${ext ?? 'Image'}${ext ? ' image' : ''}`;
  if (major === 'video') return `${ext ?? 'Video'}${ext ? ' video' : ''}`;
  if (major === 'audio') return `${ext ?? 'Audio'}${ext ? ' audio' : ''}`;
  return ext ?? 'File';
}
