import { useEffect } from 'react';
import { AuthForm } from '../components/AuthForm';
import { Link } from '../components/Link';
import { Logo } from '../components/Logo';
import { navigate, useLocation } from '../hooks/useRoute';
import { useSession } from '../hooks/useSession';
import { paths, safeNext } from '../routes';

function AuthLayout({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <div className="auth-brand">
          <Logo size={40} />
          <span>Trading Room</span>
        </div>
        <h1>{title}</h1>
        {children}
      </main>
      <footer>
        <p className="auth-tagline">Live trading rooms: camera, charts and chat for your desk and your students.</p>
      </footer>
    </div>
  );
}

export function SignInPage() {
  const { search } = useLocation();
  const session = useSession();
  const next = safeNext(search.get('next'));
  useEffect(() => {
    if (session) navigate(next ?? paths.home(), { replace: true });
  }, [session, next]);
  return (
    <AuthLayout title="Sign in">
      <AuthForm mode="signin" onDone={() => navigate(next ?? paths.home(), { replace: true })} />
      <p className="auth-switch">
        New here? <Link to={paths.signup(next ?? undefined)}>Create an account</Link>
      </p>
    </AuthLayout>
  );
}

export function SignUpPage() {
  const { search } = useLocation();
  const session = useSession();
  const next = safeNext(search.get('next'));
  useEffect(() => {
    if (session) navigate(next ?? paths.home(), { replace: true });
  }, [session, next]);
  return (
    <AuthLayout title="Create your account">
      <AuthForm mode="signup" onDone={() => navigate(next ?? paths.home(), { replace: true })} />
      <p className="auth-switch">
        Already have an account? <Link to={paths.signin(next ?? undefined)}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
