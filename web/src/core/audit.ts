/**
 * Human-readable audit log details (the `details` object the server records with each entry),
 * e.g. `member.role_changed` {email, from, to} → "ann@example.com: viewer → moderator".
 * Pure; tested in audit.test.ts.
 */
const MAX_LENGTH = 200;
/** Keys that name the subject of a change; shown first, as "subject: …". */
const SUBJECT_KEYS = ['email', 'name'];

function scalar(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function isFromTo(v: unknown): v is { from: unknown; to: unknown } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'from' in v && 'to' in v;
}

function value(v: unknown): string | null {
  const s = scalar(v);
  if (s !== null) return s;
  if (Array.isArray(v)) {
    const items = v.map((x) => scalar(x) ?? (x && typeof x === 'object' && 'limit' in x ? scalar((x as { limit: unknown }).limit) : null));
    return items.every((x) => x !== null) ? items.join(', ') : `${v.length} items`;
  }
  if (isFromTo(v)) return `${scalar(v.from) ?? '—'} → ${scalar(v.to) ?? '—'}`;
  return null;
}

export function describeAuditDetails(details: Record<string, unknown> | null | undefined): string {
  if (!details || typeof details !== 'object') return '';
  const parts: string[] = [];
  const subject = SUBJECT_KEYS.map((k) => scalar(details[k])).find((s) => s !== null && s !== '') ?? null;
  const used = new Set<string>();
  if (isFromTo(details)) {
    parts.push(`${scalar(details.from) ?? '—'} → ${scalar(details.to) ?? '—'}`);
    used.add('from').add('to');
  }
  for (const [k, v] of Object.entries(details)) {
    if (used.has(k) || (subject !== null && SUBJECT_KEYS.includes(k) && scalar(v) === subject)) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    const text = value(v);
    if (text === null || text === '') continue;
    parts.push(`${k}: ${text}`);
  }
  const body = parts.join(' · ');
  const out = subject !== null ? (body ? `${subject}: ${body}` : subject) : body;
  return out.length > MAX_LENGTH ? `${out.slice(0, MAX_LENGTH - 1)}…` : out;
}
