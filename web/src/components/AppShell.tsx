import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useApi } from '../context/ApiContext';
import { can } from '../core/permissions';
import { planName } from '../core/errors';
import { useMe } from '../hooks/useQueries';
import { navigate } from '../hooks/useRoute';
import { useSession } from '../hooks/useSession';
import { paths } from '../routes';
import { Link } from './Link';
import { Logo } from './Logo';

/** Header with organization switcher, admin link and account menu. */
export function AppShell({ orgId, children, wide }: { orgId?: string | undefined; children: ReactNode; wide?: boolean }) {
  const api = useApi();
  const session = useSession();
  const me = useMe();
  const [menuOpen, setMenuOpen] = useState(false);
  const accountRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!menuOpen) return;
    const close = (e: MouseEvent) => {
      if (!accountRef.current?.contains(e.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [menuOpen]);
  const orgs = me.data?.organizations ?? [];
  const org = orgs.find((o) => o.id === orgId);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={org ? paths.org(org.id) : paths.home()} className="brand" aria-label="Trading Room home">
          <Logo />
          <span className="brand-name">Trading Room</span>
        </Link>
        {orgs.length > 0 && (
          <div className="org-switch">
            <label htmlFor="org-switch" className="visually-hidden">
              Organization
            </label>
            <select
              id="org-switch"
              value={org?.id ?? ''}
              onChange={(e) => {
                if (e.target.value) navigate(paths.org(e.target.value));
              }}
            >
              {!org && <option value="">Choose organization</option>}
              {orgs.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name} · {planName(o.plan)}
                </option>
              ))}
            </select>
          </div>
        )}
        <nav className="topnav" aria-label="Main">
          {org && (
            <Link to={paths.org(org.id)} className="topnav-link">
              Rooms
            </Link>
          )}
          {org && can(org.role, 'view_analytics') && (
            <Link to={paths.analytics(org.id)} className="topnav-link">
              Analytics
            </Link>
          )}
          {org && can(org.role, 'manage_organization') && (
            <Link to={paths.admin(org.id)} className="topnav-link">
              Admin
            </Link>
          )}
        </nav>
        {session && (
          <div className="account" ref={accountRef}>
            <button
              type="button"
              className="account-button"
              aria-haspopup="true"
              aria-expanded={menuOpen}
              onClick={() => setMenuOpen((v) => !v)}
            >
              <span className="avatar" aria-hidden="true">
                {(session.user.displayName || session.user.email).charAt(0).toUpperCase()}
              </span>
              <span className="account-name">{session.user.displayName}</span>
            </button>
            {menuOpen && (
              <div className="account-menu" onKeyDown={(e) => e.key === 'Escape' && setMenuOpen(false)}>
                <div className="account-email">{session.user.email}</div>
                <button
                  type="button"
                  className="btn btn-ghost btn-block"
                  onClick={() => {
                    setMenuOpen(false);
                    void api.logout().then(() => navigate(paths.signin(), { replace: true }));
                  }}
                >
                  Sign out
                </button>
              </div>
            )}
          </div>
        )}
      </header>
      <main id="main" className={wide ? 'main main-wide' : 'main'} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
