/** The staff console: sign-in, navigation, keyboard shortcuts and the screens. */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { request, whenUnauthorized } from './api';
import { lang, setLang, t, type Lang } from './i18n';
import { tx } from './i18n-keyboard';
import { ACTION_EVENT, currentUser, setSession, type StaffUser } from './session';
import { Forgot, Preferences, Reset, SetUp, SignIn } from './views/account';
import { CustomersView } from './views/customers';
import { QuotaView } from './views/managers/quota';
import { IntakeView } from './views/intake';
import { PoliciesView } from './views/policies';
import { QueuesView } from './views/queues';
import { ReportsView } from './views/reports';
import { CannedRepliesView } from './views/canned-replies';
import { tx as mx } from './i18n-macros';
import { TicketView } from './views/ticket';
import { UsersView } from './views/users';
import { LiveNotifications } from './notifications';
import { loadConsoleConfig } from './config';
import { installGlobalKeys, isTyping, skipToContent } from './keyboard';
import { ShortcutRows } from './shortcuts-help';
import './styles.css';
import './phone.css';
import { parseHash, type Route } from './route';

/** The screen a hash names: `#/queues/mine`, `#/tickets/12`, `#/intake`, ... */
/** The session the browser already has (the cookie), or null when signed out. */
async function loadSession(): Promise<boolean> {
  try {
    const session = await request<{ user: StaffUser; csrfToken: string }>('GET', '/v1/session', undefined, {
      quiet401: true,
    });
    setSession(session);
    return true;
  } catch {
    setSession(null);
    return false;
  }
}

function HelpDialog({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const rows: [string, Parameters<typeof t>[0]][] = [
    ['r', 'k_r'],
    ['n', 'k_n'],
    ['i', 'k_i'],
    ['e', 'k_e'],
    ['s', 'k_s'],
    ['/', 'k_slash'],
    ['?', 'k_help'],
    ['g', 'k_g'],
  ];
  return (
    <dialog ref={ref} aria-labelledby="help-title" onClose={onClose} class="help">
      <h2 id="help-title">{t('shortcuts')}</h2>
      <dl>
        {rows.map(([k, text]) => (
          <div key={k}>
            <dt>
              <kbd>{k}</kbd>
            </dt>
            <dd>{t(text)}</dd>
          </div>
        ))}
      </dl>
      <ShortcutRows />
      <button type="button" onClick={() => ref.current?.close()} autofocus>
        {t('close')}
      </button>
    </dialog>
  );
}

function App() {
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  const [signedIn, setSignedIn] = useState(() => currentUser() !== null);
  const [language, setLanguage] = useState<Lang>(lang());
  const [help, setHelp] = useState(false);

  useEffect(() => {
    const onHash = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onHash);
    whenUnauthorized(() => {
      setSession(null);
      setSignedIn(false);
    });
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    let pendingG = false;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      if (pendingG) {
        pendingG = false;
        const to = { q: 'queues', n: 'intake', c: 'customers', p: 'policies', s: 'reports' }[e.key];
        if (to) {
          e.preventDefault();
          location.hash = `#/${to}`;
        }
        return;
      }
      if (e.key === 'g') {
        pendingG = true;
        return;
      }
      if (e.key === '?') {
        e.preventDefault();
        setHelp(true);
      } else if (e.key === '/') {
        const search = document.getElementById('search');
        if (search) {
          e.preventDefault();
          search.focus();
        }
      } else if (['r', 'n', 'i', 'e', 's'].includes(e.key)) {
        // A screen that takes the key cancels the event; the key then types nothing anywhere.
        const taken = !window.dispatchEvent(
          new CustomEvent(ACTION_EVENT, { detail: e.key, cancelable: true }),
        );
        if (taken) e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const switchLang = (next: Lang) => {
    setLang(next);
    setLanguage(next);
  };

  // Signing in speaks the account's language (its preference), whatever this browser showed before.
  const signedInNow = () => {
    const account = currentUser()?.language;
    if (account !== undefined && account !== lang()) switchLang(account);
    setSignedIn(true);
  };

  const token = route.query?.get('token') ?? '';
  if (!signedIn || route.screen === 'setup' || route.screen === 'reset') {
    return (
      <>
        <header class="signin-top">
          <LangSwitch value={language} onChange={switchLang} />
        </header>
        {route.screen === 'setup' ? (
          <SetUp
            token={token}
            onDone={() => {
              // SetUp replaced the hash with the queue's without a hashchange event: read it again.
              setRoute(parseHash(location.hash));
              signedInNow();
            }}
          />
        ) : route.screen === 'reset' ? (
          <Reset token={token} />
        ) : route.screen === 'forgot' ? (
          <Forgot />
        ) : (
          <SignIn onDone={signedInNow} />
        )}
      </>
    );
  }
  const me = currentUser()!;

  const nav: [Route['screen'], string, Parameters<typeof t>[0]][] = [
    ['queues', '#/queues', 'navQueues'],
    ['intake', '#/intake', 'navIntake'],
    ['customers', '#/customers', 'navCustomers'],
    ['policies', '#/policies', 'navPolicies'],
    ['reports', '#/reports', 'navReports'],
    ...(me.role === 'admin'
      ? [['users', '#/users', 'navUsers'] as [Route['screen'], string, Parameters<typeof t>[0]]]
      : []),
    ['preferences', '#/preferences', 'navPrefs'],
  ];
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), skipToContent())}>
        {route.screen === 'queues' ? tx('skipToTickets') : t('skip')}
      </a>
      <header class="top">
        <a class="brand" href="#/queues">
          {t('appName')}
        </a>
        <nav aria-label={t('mainNav')}>
          <ul>
            {nav.map(([screen, href, label]) => (
              <li key={screen}>
                <a
                  href={href}
                  aria-current={
                    route.screen === screen || (screen === 'queues' && route.screen === 'ticket')
                      ? 'page'
                      : undefined
                  }
                >
                  {t(label)}
                </a>
              </li>
            ))}
            {me.role !== 'read-only' && (
              <li>
                <a
                  href="#/canned-replies"
                  aria-current={route.screen === 'canned-replies' ? 'page' : undefined}
                >
                  {mx('navCanned')}
                </a>
              </li>
            )}
          </ul>
        </nav>
        <div class="tools">
          <span class="who" title={`${t('signedInAs')} ${me.email}`} data-testid="signed-in-as">
            {me.displayName}
          </span>
          <LiveNotifications />
          <LangSwitch value={language} onChange={switchLang} />
          <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            {t('help')}
          </button>
          <button
            type="button"
            onClick={() => {
              void request('DELETE', '/v1/session').finally(() => {
                setSession(null);
                setSignedIn(false);
              });
            }}
          >
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} key={language}>
        {route.screen === 'queues' && (
          <QueuesView
            key={`${route.arg ?? ''}?${route.query?.toString() ?? ''}`}
            queue={route.arg ?? 'all'}
            pageSize={Number(route.query?.get('limit')) || undefined}
            params={route.query}
          />
        )}
        {route.screen === 'ticket' && <TicketView key={route.arg} number={Number(route.arg)} />}
        {route.screen === 'intake' && <IntakeView />}
        {route.screen === 'customers' && <CustomersView selected={route.arg} />}
        {route.screen === 'quota' && <QuotaView />}
        {route.screen === 'policies' && <PoliciesView selected={route.arg} />}
        {route.screen === 'reports' && <ReportsView />}
        {route.screen === 'canned-replies' && <CannedRepliesView />}
        {route.screen === 'users' && <UsersView />}
        {route.screen === 'preferences' && (
          <Preferences onLanguage={switchLang} onSignedOut={() => setSignedIn(false)} />
        )}
      </main>
      {help && <HelpDialog onClose={() => setHelp(false)} />}
    </>
  );
}

function LangSwitch({ value, onChange }: { value: Lang; onChange: (l: Lang) => void }) {
  return (
    <div class="lang" role="group" aria-label={t('language')}>
      {(['es', 'en'] as const).map((l) => (
        <button key={l} type="button" aria-pressed={value === l} lang={l} onClick={() => onChange(l)}>
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

document.documentElement.lang = lang();
installGlobalKeys();
void Promise.all([loadConsoleConfig(), loadSession()]).then(() =>
  render(<App />, document.getElementById('app')!),
);
