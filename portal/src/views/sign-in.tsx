/** Sign-in: ask for a link by email, then follow it (`#/sign-in/<token>`) or type the code. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request, type Session } from '../api';
import { t } from '../i18n';

export function SignInView({
  token,
  onSignedIn,
}: {
  token: string | undefined;
  onSignedIn: (s: Session) => void;
}) {
  const [email, setEmail] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tried = useRef(false);

  useEffect(() => {
    if (token === undefined || tried.current) return;
    tried.current = true;
    setBusy(true);
    request<Session>('POST', '/sign-in/verify', { token }).then(onSignedIn, (e: unknown) => {
      setBusy(false);
      setError(e instanceof ApiError ? e.message : t('error'));
    });
  }, [token]);

  const ask = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await request('POST', '/sign-in', { email });
      setSent(true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error'));
    } finally {
      setBusy(false);
    }
  };

  const verify = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      onSignedIn(await request<Session>('POST', '/sign-in/verify', { email, code }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : t('error'));
      setBusy(false);
    }
  };

  return (
    <section class="panel narrow">
      <h1>{t('signInTitle')}</h1>
      {token !== undefined && busy && <p role="status">{t('signingIn')}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!sent ? (
        <form onSubmit={(e) => void ask(e)}>
          <p>{t('signInHint')}</p>
          <label for="email">{t('email')}</label>
          <input
            id="email"
            type="email"
            autocomplete="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
          <button type="submit" class="primary" disabled={busy}>
            {t('sendLink')}
          </button>
        </form>
      ) : (
        <form onSubmit={(e) => void verify(e)}>
          <p role="status">{t('sent')}</p>
          <label for="code">{t('code')}</label>
          <input
            id="code"
            inputMode="numeric"
            autocomplete="one-time-code"
            pattern="\d{6}"
            required
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button type="submit" class="primary" disabled={busy}>
            {t('useCode')}
          </button>
          <button type="button" class="link" onClick={() => setSent(false)}>
            {t('tryAgain')}
          </button>
        </form>
      )}
    </section>
  );
}
