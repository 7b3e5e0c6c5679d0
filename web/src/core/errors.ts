/** Errors of the REST client, and their wording for people. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
    readonly requestId: string | null = null,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get isLimitExceeded(): boolean {
    return this.status === 402 && this.code.endsWith('_limit_exceeded');
  }

  get isPlanFeatureUnavailable(): boolean {
    return this.status === 403 && this.code === 'plan_feature_unavailable';
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

const PLAN_NAMES: Record<string, string> = {
  starter: 'Starter',
  professional: 'Professional',
  business: 'Business',
  enterprise: 'Enterprise',
};

export function planName(plan: string | undefined | null): string {
  if (!plan) return 'current';
  return PLAN_NAMES[plan] ?? plan;
}

const LIMIT_NOUNS: Record<string, string> = {
  workspaces: 'workspaces',
  rooms: 'rooms',
  hosts: 'hosts (members with role host or co-host)',
  viewers: 'viewers per room',
  storageBytes: 'storage',
};

export const FEATURE_LABELS: Record<string, string> = {
  audit_logs: 'The audit log',
  api_access: 'API access',
  recording: 'Recording',
  custom_branding: 'Custom branding',
  sso: 'Single sign-on',
};

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** One sentence for a person, for any error thrown by the core. */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) {
    if (err instanceof Error && err.message) return err.message;
    return 'Something went wrong.';
  }
  const d = err.details ?? {};
  switch (err.code) {
    case 'network_error':
      return "Can't reach the server. Check your connection and try again.";
    case 'workspace_limit_exceeded':
    case 'room_limit_exceeded':
    case 'host_limit_exceeded': {
      const limit = typeof d.limit === 'string' ? d.limit : err.code.replace('_limit_exceeded', 's');
      const max = num(d.max);
      const current = num(d.current);
      const noun = LIMIT_NOUNS[limit] ?? limit;
      const plan = planName(typeof d.plan === 'string' ? d.plan : null);
      const used = current !== null && max !== null ? ` (${current} of ${max} in use)` : '';
      return `Plan limit reached: the ${plan} plan allows ${max ?? 'no more'} ${noun}${used}. Upgrade the plan or free one up.`;
    }
    case 'plan_feature_unavailable': {
      const feature = typeof d.feature === 'string' ? d.feature : '';
      return `${FEATURE_LABELS[feature] ?? 'This feature'} is not included in your plan. Upgrade to use it.`;
    }
    case 'forbidden': {
      const perm = typeof d.permission === 'string' ? ` (needs “${d.permission.replace(/_/g, ' ')}”)` : '';
      return `Your role doesn't allow this${perm}.`;
    }
    case 'rate_limited': {
      const after = err.retryAfter ?? num(d.retryAfter);
      return after ? `Too many attempts. Try again in ${after} s.` : 'Too many attempts. Try again shortly.';
    }
    case 'validation_failed': {
      const field = typeof d.field === 'string' ? `${d.field}: ` : '';
      return `${field}${err.message}`;
    }
    case 'invalid_credentials':
      return 'Wrong email or password.';
    case 'invalid_refresh_token':
      return 'Your session has ended. Sign in again.';
    case 'invitation_email_mismatch':
      return 'This invitation was sent to another email address. Sign in with that address.';
    case 'invitation_expired':
      return 'This invitation has expired. Ask for a new one.';
    case 'invitation_not_pending':
      return 'This invitation was already used or revoked.';
    case 'workspace_not_empty':
      return 'Delete the rooms of this workspace first.';
    case 'email_taken':
      return 'An account with this email already exists. Sign in instead.';
    case 'already_member':
      return 'This person is already a member of the organization.';
    case 'unauthorized':
      return err.message || 'Your session has expired. Sign in again.';
    case 'not_found':
      return 'Not found. It may have been deleted, or it belongs to another organization.';
    case 'internal':
      return `Server error${err.requestId ? ` (request ${err.requestId})` : ''}. Try again.`;
    default:
      return err.message || `Request failed (${err.status}).`;
  }
}
