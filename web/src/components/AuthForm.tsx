import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useApi } from '../context/ApiContext';
import { ApiError } from '../core/errors';
import { ErrorBanner, Field } from './ui';

export type AuthMode = 'signin' | 'signup';

/** Sign-in / sign-up form. `fixedEmail` locks the email (invitation links). */
export function AuthForm({ mode, fixedEmail, onDone, submitLabel }: { mode: AuthMode; fixedEmail?: string; onDone: () => void; submitLabel?: string }) {
  const api = useApi();
  const [email, setEmail] = useState(fixedEmail ?? '');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  // an answer to the previous submission is stale once the user edits the form
  const edit = (set: (v: string) => void) => (e: ChangeEvent<HTMLInputElement>) => {
    set(e.target.value);
    if (error) setError(null);
  };

  const fieldError = (field: string) =>
    error instanceof ApiError && error.code === 'validation_failed' && error.details?.field === field ? error.message : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'signin') await api.login({ email: email.trim(), password });
      else await api.signup({ email: email.trim(), password, displayName: displayName.trim() });
      onDone();
    } catch (err) {
      if (mode === 'signin' && err instanceof ApiError && err.status === 401) {
        setError(new Error('Wrong email or password.'));
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="form" noValidate={false}>
      {mode === 'signup' && (
        <Field
          label="Your name"
          name="displayName"
          autoComplete="name"
          required
          maxLength={100}
          value={displayName}
          onChange={edit(setDisplayName)}
          error={fieldError('displayName')}
        />
      )}
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        maxLength={254}
        value={email}
        readOnly={!!fixedEmail}
        onChange={edit(setEmail)}
        hint={fixedEmail ? 'The invitation was sent to this address.' : undefined}
        error={fieldError('email')}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete={mode === 'signin' ? 'current-password' : 'new-password'}
        required
        minLength={mode === 'signup' ? 8 : undefined}
        value={password}
        onChange={edit(setPassword)}
        hint={mode === 'signup' ? 'At least 8 characters.' : undefined}
        error={fieldError('password')}
      />
      <ErrorBanner error={error} />
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? 'Please wait…' : (submitLabel ?? (mode === 'signin' ? 'Sign in' : 'Create account'))}
      </button>
    </form>
  );
}
