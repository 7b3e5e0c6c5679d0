import { Link } from '../components/Link';
import { paths } from '../routes';

export function NotFoundPage() {
  return (
    <div className="auth-page">
      <main id="main" className="auth-card">
        <h1>Page not found</h1>
        <p>The address may be mistyped, or the page was moved.</p>
        <Link to={paths.home()} className="btn btn-primary">
          Go to your rooms
        </Link>
      </main>
    </div>
  );
}
