/**
 * Account screens: sign in with email and password, the first administrator's set-up, forgotten password
 * and reset (from the emailed link), and the signed-in user's preferences (language, which notifications
 * are also emailed, sign out everywhere).
 */
import { useState } from 'preact/hooks';
import { request } from '../api';
import { setLang, t, type Lang } from '../i18n';
import { currentUser, setSession, type StaffUser } from '../session';

type SignedIn = { user: StaffUser; csrfToken: string };

function Alert({ text }: { text: string | null }) {
  return text === null ? null : (
    <p role="alert" class="refusal">
      {text}
    </p>
  );
}

/** Email and password; on success the session is remembered and `onDone` runs. */
export function SignIn({ onDone }: { onDone: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setSession(
        await request<SignedIn>('POST', '/v1/session', { email: email.trim(), password }, { quiet401: true }),
      );
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signInTitle')}</h1>
        <label for="email">{t('email')}</label>
        <input
          id="email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="password">{t('password')}</label>
        <input
          id="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <Alert text={error} />
        <button type="submit" class="primary">
          {t('signIn')}
        </button>
        <p class="hint">
          <a href="#/forgot">{t('forgotPassword')}</a>
        </p>
      </form>
    </main>
  );
}

/** The first administrator, from the link `npm start` prints on an empty database. */
export function SetUp({ token, onDone }: { token: string; onDone: () => void }) {
  const [form, setForm] = useState({ email: '', displayName: '', password: '' });
  const [error, setError] = useState<string | null>(null);
  const field = (name: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      setSession(await request<SignedIn>('POST', '/v1/setup', { token, ...form }, { quiet401: true }));
      history.replaceState(null, '', `${location.pathname}#/queues`);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="setup-title">
        <h1 id="setup-title">{t('setupTitle')}</h1>
        <p class="hint">{t('setupHint')}</p>
        <label for="setup-name">{t('displayName')}</label>
        <input id="setup-name" required value={form.displayName} onInput={field('displayName')} />
        <label for="setup-email">{t('email')}</label>
        <input
          id="setup-email"
          type="email"
          autocomplete="username"
          required
          value={form.email}
          onInput={field('email')}
        />
        <label for="setup-password">{t('newPassword')}</label>
        <input
          id="setup-password"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
          value={form.password}
          onInput={field('password')}
        />
        <Alert text={error} />
        <button type="submit" class="primary">
          {t('setupCreate')}
        </button>
      </form>
    </main>
  );
}

/** Asks for a reset link by email; the answer is the same whether or not the email has an account. */
export function Forgot() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', '/v1/password-resets', { email: email.trim() }, { quiet401: true });
      setSent(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="forgot-title">
        <h1 id="forgot-title">{t('forgotTitle')}</h1>
        <label for="forgot-email">{t('email')}</label>
        <input
          id="forgot-email"
          type="email"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <Alert text={error} />
        {sent && (
          <p role="status" class="ok">
            {t('resetSent')}
          </p>
        )}
        <button type="submit" class="primary">
          {t('sendLink')}
        </button>
        <p class="hint">
          <a href="#/queues">{t('backToSignIn')}</a>
        </p>
      </form>
    </main>
  );
}

/** Sets a new password with the emailed link (reset or invitation). */
export function Reset({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await request('POST', '/v1/password-resets/complete', { token, password }, { quiet401: true });
      setDone(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="reset-title">
        <h1 id="reset-title">{t('resetTitle')}</h1>
        <label for="reset-password">{t('newPassword')}</label>
        <input
          id="reset-password"
          type="password"
          autocomplete="new-password"
          minLength={10}
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <Alert text={error} />
        {done && (
          <p role="status" class="ok">
            {t('passwordSet')} <a href="#/queues">{t('signIn')}</a>
          </p>
        )}
        <button type="submit" class="primary" disabled={done}>
          {t('savePassword')}
        </button>
      </form>
    </main>
  );
}

/** Language, emailed notifications, and sign out everywhere. */
export function Preferences({
  onLanguage,
  onSignedOut,
}: {
  onLanguage: (l: Lang) => void;
  onSignedOut: () => void;
}) {
  const me = currentUser()!;
  const [notify, setNotify] = useState(me.notify);
  const [language, setLanguage] = useState<Lang>(me.language);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const user = await request<StaffUser>('PATCH', '/v1/users/me', { language, notify });
      setSession({ user, csrfToken: (await request<SignedIn>('GET', '/v1/session')).csrfToken });
      setLang(language);
      onLanguage(language);
      setSaved(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const everywhere = async () => {
    try {
      await request('POST', '/v1/session/revoke-all', {});
    } finally {
      setSession(null);
      onSignedOut();
    }
  };
  const kinds = ['assigned', 'customerReply', 'slaWarning', 'slaBreach'] as const;
  return (
    <section aria-labelledby="prefs-title">
      <h1 id="prefs-title">{t('prefsTitle')}</h1>
      <p>
        {me.displayName} · {me.email} · {t(`role_${me.role}`)}
      </p>
      <form onSubmit={(e) => void save(e)} class="prefs">
        <fieldset>
          <legend>{t('emailMe')}</legend>
          {kinds.map((k) => (
            <label key={k} class="check">
              <input
                type="checkbox"
                checked={notify[k]}
                onChange={(e) => setNotify({ ...notify, [k]: e.currentTarget.checked })}
              />{' '}
              {t(`notify_${k}`)}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="pref-lang">{t('language')}</label>
          <select
            id="pref-lang"
            value={language}
            onChange={(e) => setLanguage(e.currentTarget.value as Lang)}
          >
            <option value="es">Español</option>
            <option value="en">English</option>
          </select>
        </div>
        <Alert text={error} />
        {saved && (
          <p role="status" class="ok">
            {t('saved')}
          </p>
        )}
        <button type="submit" class="primary">
          {t('save')}
        </button>
      </form>
      <h2>{t('sessions')}</h2>
      <p class="hint">{t('signOutEverywhereHint')}</p>
      <button type="button" onClick={() => void everywhere()}>
        {t('signOutEverywhere')}
      </button>
    </section>
  );
}
