import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type DragEvent } from 'react';
import { useApi } from '../context/ApiContext';
import { useMaybeRoomContext } from '../context/RoomContext';
import type { FileInfo } from '../core/apiTypes';
import { describeError } from '../core/errors';
import { canDeleteFile, canUpload, describeUploadError, fileKind, sortFiles, uploadName, validateUpload } from '../core/files';
import { formatBytes } from '../core/stats';
import { keys } from '../hooks/useQueries';
import { ConfirmDialog, formatDate } from './ui';

interface Upload {
  id: number;
  name: string;
  size: number;
  sent: number;
  status: 'uploading' | 'error';
  error?: string;
}

let uploadSeq = 0;

/** Saves a Blob under `name` through a temporary object URL. */
function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

function UploadRow({ u, onDismiss }: { u: Upload; onDismiss: () => void }) {
  if (u.status === 'error') {
    return (
      <li className="upload upload-error" role="alert">
        <span className="upload-name">{u.name}</span>
        <span className="upload-message">{u.error}</span>
        <button type="button" className="btn-icon" aria-label={`Dismiss the error about ${u.name}`} onClick={onDismiss}>
          ×
        </button>
      </li>
    );
  }
  const pct = u.size > 0 ? Math.round((u.sent / u.size) * 100) : 0;
  return (
    <li className="upload">
      <span className="upload-name">{u.name}</span>
      <progress className="upload-progress" max={100} value={pct} aria-label={`Uploading ${u.name}`} aria-valuetext={`${pct}%`} />
      <span className="upload-pct">{pct}%</span>
    </li>
  );
}

function FileRow({ file, uploader, mayDelete, onDownload, onDelete, downloading }: { file: FileInfo; uploader: string; mayDelete: boolean; onDownload: () => void; onDelete: () => void; downloading: boolean }) {
  return (
    <li className="file">
      <div className="file-main">
        <span className="file-name">{file.name}</span>
        <span className="file-meta">
          {fileKind(file)} · {formatBytes(file.sizeBytes)} · {uploader} · <time dateTime={file.createdAt}>{formatDate(file.createdAt)}</time>
        </span>
      </div>
      <div className="file-actions">
        <button type="button" className="btn btn-xs" onClick={onDownload} disabled={downloading} aria-label={`Download ${file.name}`}>
          {downloading ? 'Saving…' : 'Download'}
        </button>
        {mayDelete && (
          <button type="button" className="btn btn-xs btn-ghost btn-danger-text" onClick={onDelete} aria-label={`Delete ${file.name}`}>
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

/**
 * The room's files: list (name, size, uploader, time), download for everyone, upload (picker
 * or drag and drop, with progress) and delete for the roles the matrix allows. The server
 * pushes `file-added` / `file-deleted` to everyone in the live room, which refreshes the list;
 * a slow poll covers the moments the socket is reconnecting.
 */
export function FilesPanel({ roomId, orgId, orgRole, userId, active, names }: { roomId: string; orgId: string; orgRole: string; userId: string | null; active: boolean; names: Record<string, string> }) {
  const api = useApi();
  const qc = useQueryClient();
  const queryKey = [...keys.room(roomId), 'files'];
  const files = useQuery({ queryKey, queryFn: () => api.listRoomFiles(roomId), refetchInterval: active ? 20_000 : 60_000 });
  const room = useMaybeRoomContext();
  useEffect(() => {
    if (!room) return undefined;
    return room.on('files-changed', (d) => {
      if (d.roomId === roomId) void qc.invalidateQueries({ queryKey });
    });
  }, [room, roomId, qc]);
  const members = useQuery({ queryKey: keys.members(orgId), queryFn: () => api.listMembers(orgId), staleTime: 60_000 });
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<FileInfo | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const mayUpload = canUpload(orgRole);

  const nameOf = (uid: string) => {
    if (uid === userId) return 'You';
    return members.data?.find((m) => m.userId === uid)?.displayName ?? names[uid] ?? 'A member';
  };
  const patch = (id: number, p: Partial<Upload>) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...p } : u)));

  const uploadAll = async (list: File[]) => {
    for (const file of list) {
      const id = ++uploadSeq;
      const name = uploadName(file.name);
      const invalid = validateUpload(file);
      setUploads((l) => [...l, { id, name, size: file.size, sent: 0, status: invalid ? 'error' : 'uploading', ...(invalid ? { error: invalid } : {}) }]);
      if (invalid) continue;
      try {
        await api.uploadFile(roomId, file, { name, onProgress: (sent) => patch(id, { sent }) });
        setUploads((l) => l.filter((u) => u.id !== id));
        await qc.invalidateQueries({ queryKey });
      } catch (err) {
        patch(id, { status: 'error', error: describeUploadError(err) });
      }
    }
  };

  const pick = (fl: FileList | null) => {
    if (fl && fl.length) void uploadAll([...fl]);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    if (!mayUpload) return;
    pick(e.dataTransfer.files);
  };
  const onDragOver = (e: DragEvent) => {
    if (!mayUpload || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };

  const download = async (file: FileInfo) => {
    setDownloading(file.id);
    setActionError(null);
    try {
      // the stored name, not Content-Disposition: the server writes non-ASCII names raw into that header
      const { blob } = await api.downloadFile(file.id);
      saveBlob(blob, file.name);
    } catch (err) {
      setActionError(`Could not download “${file.name}”: ${describeError(err)}`);
    } finally {
      setDownloading(null);
    }
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await api.deleteFile(deleting.id);
      setDeleting(null);
      await qc.invalidateQueries({ queryKey });
    } catch (err) {
      setDeleteError(err);
    } finally {
      setDeleteBusy(false);
    }
  };

  const list = sortFiles(files.data ?? []);
  return (
    <div className={`files${dragging ? ' files-dragging' : ''}`} onDragOver={onDragOver} onDragLeave={() => setDragging(false)} onDrop={onDrop}>
      {mayUpload && (
        <div className="files-upload">
          <input id={`files-input-${roomId}`} type="file" multiple className="visually-hidden file-input" onChange={(e) => {
            pick(e.currentTarget.files);
            e.currentTarget.value = '';
          }} />
          <label htmlFor={`files-input-${roomId}`} className="btn btn-primary btn-small file-pick">
            Upload files
          </label>
          <span className="muted files-hint">or drop them here · up to 25 MB each</span>
        </div>
      )}
      {uploads.length > 0 && (
        <ul className="uploads" aria-label="Uploads">
          {uploads.map((u) => (
            <UploadRow key={u.id} u={u} onDismiss={() => setUploads((l) => l.filter((x) => x.id !== u.id))} />
          ))}
        </ul>
      )}
      {actionError && (
        <div className="chat-error" role="alert">
          {actionError}
        </div>
      )}
      {files.error ? (
        <div className="chat-error" role="alert">
          Could not load the files: {describeError(files.error)}
        </div>
      ) : files.isPending ? (
        <p className="files-empty">Loading files…</p>
      ) : list.length === 0 ? (
        <p className="files-empty">{mayUpload ? 'No files yet. Share a chart, a PDF or your trade plan.' : 'No files shared in this room yet.'}</p>
      ) : (
        <ul className="file-list" aria-label="Files in this room">
          {list.map((f) => (
            <FileRow
              key={f.id}
              file={f}
              uploader={nameOf(f.uploadedBy)}
              mayDelete={canDeleteFile(orgRole, userId, f)}
              downloading={downloading === f.id}
              onDownload={() => void download(f)}
              onDelete={() => {
                setDeleteError(null);
                setDeleting(f);
              }}
            />
          ))}
        </ul>
      )}
      {dragging && (
        <div className="files-drop" aria-hidden="true">
          Drop to upload
        </div>
      )}
      <ConfirmDialog
        open={!!deleting}
        title="Delete this file?"
        body={<>“{deleting?.name}” is removed for everyone in the room.</>}
        confirmLabel="Delete"
        danger
        busy={deleteBusy}
        error={deleteError}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(null)}
      />
    </div>
  );
}
