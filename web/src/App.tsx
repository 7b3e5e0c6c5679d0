import { useEffect, useRef } from 'react';
import { Loading } from './components/ui';
import { useMe } from './hooks/useQueries';
import { navigate, useLocation } from './hooks/useRoute';
import { useSession } from './hooks/useSession';
import { AdminPage } from './pages/AdminPage';
import { AnalyticsPage } from './pages/AnalyticsPage';
import { SignInPage, SignUpPage } from './pages/AuthPages';
import { DashboardPage } from './pages/DashboardPage';
import { InvitePage } from './pages/InvitePage';
import { NotFoundPage } from './pages/NotFoundPage';
import { RoomPage } from './pages/RoomPage';
import { matchRoute, paths } from './routes';
import { lastOrgId } from './lastOrg';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** "/" → the last used organization, else the first, else onboarding. */
function Home() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  const orgs = me.data?.organizations ?? [];
  const last = lastOrgId();
  const target = orgs.find((o) => o.id === last) ?? orgs[0];
  if (target) return <Redirect to={paths.org(target.id)} />;
  return <DashboardPage orgId={undefined} />;
}

export function App() {
  const { pathname, search } = useLocation();
  const session = useSession();
  const route = matchRoute(pathname);
  const here = pathname + (search.toString() ? `?${search.toString()}` : '');

  // move focus to the new page's content (screen readers announce it), not on first load
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);

  useEffect(() => {
    const titles: Record<string, string> = {
      signin: 'Sign in',
      signup: 'Create account',
      invite: 'Invitation',
      admin: 'Admin',
      analytics: 'Analytics',
      room: 'Room',
    };
    document.title = titles[route.name] ? `${titles[route.name]} · Trading Room` : 'Trading Room';
  }, [route.name]);

  switch (route.name) {
    case 'signin':
      return <SignInPage />;
    case 'signup':
      return <SignUpPage />;
    case 'invite':
      return <InvitePage token={route.token} />;
    case 'not-found':
      return <NotFoundPage />;
    default:
      break;
  }
  if (!session) return <Redirect to={paths.signin(here === '/' ? undefined : here)} />;
  switch (route.name) {
    case 'home':
      return <Home />;
    case 'org':
      return <DashboardPage orgId={route.orgId} />;
    case 'admin':
      return <AdminPage orgId={route.orgId} tab={route.tab} />;
    case 'analytics':
      return <AnalyticsPage orgId={route.orgId} />;
    case 'room':
      return <RoomPage roomId={route.roomId} requestedRole={search.get('as')} />;
  }
}
