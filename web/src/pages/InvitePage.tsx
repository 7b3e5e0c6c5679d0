import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { AuthForm, type AuthMode } from '../components/AuthForm';
import { Logo } from '../components/Logo';
import { TabList } from '../components/Tabs';
import { Banner, ErrorBanner, formatDate, Loading, RoleBadge } from '../components/ui';
import { useApi } from '../context/ApiContext';
import { ApiError } from '../core/errors';
import { navigate } from '../hooks/useRoute';
import { useSession } from '../hooks/useSession';
import { paths } from '../routes';
import { rememberOrg } from '../lastOrg';

/** `/invite/<token>`: preview, sign in or sign up with the invited email, accept. */
export function InvitePage({ token }: { token: string }) {
  const api = useApi();
  const qc = useQueryClient();
  const session = useSession();
  const preview = useQuery({ queryKey: ['invitation', token], queryFn: () => api.previewInvitation(token), retry: false });
  const [mode, setMode] = useState<AuthMode>('signup');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const member = await api.acceptInvitation(token);
      rememberOrg(member.organizationId);
      await qc.invalidateQueries({ queryKey: ['me'] });
      navigate(paths.org(member.organizationId), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const inv = preview.data;
  const sameEmail = !!session && !!inv && session.user.email.toLowerCase() === inv.email.toLowerCase();

  let body: React.ReactNode;
  if (preview.isPending) body = <Loading label="Loading invitation…" />;
  else if (preview.error) {
    body =
      preview.error instanceof ApiError && preview.error.status === 404 ? (
        <Banner kind="error">This invitation link is not valid. Ask the person who invited you for a new one.</Banner>
      ) : (
        <ErrorBanner error={preview.error} onRetry={() => void preview.refetch()} />
      );
  } else if (inv && inv.status !== 'pending') {
    const why = { accepted: 'has already been accepted', revoked: 'was revoked', expired: 'has expired' }[inv.status];
    body = <Banner kind="warning">This invitation {why}. Ask an admin of {inv.organizationName} for a new one.</Banner>;
  } else if (inv) {
    body = (
      <>
        <p className="invite-summary">
          You are invited to join <strong>{inv.organizationName}</strong> as <RoleBadge role={inv.role} />.
          <br />
          <span className="muted">For {inv.email} · expires {formatDate(inv.expiresAt)}</span>
        </p>
        {session && sameEmail && (
          <>
            <ErrorBanner error={error} />
            <button type="button" className="btn btn-primary btn-block" onClick={() => void accept()} disabled={busy}>
              {busy ? 'Joining…' : `Join ${inv.organizationName}`}
            </button>
          </>
        )}
        {session && !sameEmail && (
          <Banner
            kind="warning"
            action={
              <button type="button" className="btn btn-small" onClick={() => void api.logout()}>
                Sign out
              </button>
            }
          >
            You are signed in as {session.user.email}, but this invitation is for {inv.email}. Sign out and continue with the invited address.
          </Banner>
        )}
        {!session && (
          <>
            <TabList
              label="Account"
              idPrefix="invite"
              value={mode}
              onChange={setMode}
              tabs={[
                { id: 'signup', label: 'I’m new' },
                { id: 'signin', label: 'I have an account' },
              ]}
            />
            <div role="tabpanel" id={`invite-panel-${mode}`} aria-labelledby={`invite-tab-${mode}`}>
              <AuthForm
                key={mode}
                mode={mode}
                fixedEmail={inv.email}
                submitLabel={mode === 'signup' ? 'Create account and join' : 'Sign in and join'}
                onDone={() => void accept()}
              />
            </div>
            <ErrorBanner error={error} />
          </>
        )}
      </>
    );
  }

  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <div className="auth-brand">
          <Logo size={40} />
          <span>Trading Room</span>
        </div>
        <h1>Invitation</h1>
        {body}
      </main>
    </div>
  );
}
