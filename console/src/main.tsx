/** The staff console: sign-in, navigation, keyboard shortcuts and the screens. */
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { apiKey, request, setApiKey, whenUnauthorized } from './api';
import { lang, setLang, t, type Lang } from './i18n';
import { ACTION_EVENT, agentName, setAgentName } from './session';
import { CustomersView } from './views/customers';
import { IntakeView } from './views/intake';
import { PoliciesView } from './views/policies';
import { QueuesView } from './views/queues';
import { ReportsView } from './views/reports';
import { TicketView } from './views/ticket';
import { loadConsoleConfig } from './config';
import './styles.css';

/** The screen a hash names: `#/queues/mine`, `#/tickets/12`, `#/intake`, ... */
interface Route {
  screen: 'queues' | 'ticket' | 'intake' | 'customers' | 'policies' | 'reports';
  arg?: string;
  /** Query after `?` in the hash (e.g. `#/queues/all?limit=10`). */
  query?: URLSearchParams;
}

function parseHash(hash: string): Route {
  return { ...parsePath(hash), query: new URLSearchParams(hash.split('?')[1] ?? '') };
}

function parsePath(hash: string): Route {
  const [screen = '', arg] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/');
  switch (screen) {
    case 'tickets':
      return arg ? { screen: 'ticket', arg } : { screen: 'queues' };
    case 'intake':
    case 'customers':
    case 'policies':
    case 'reports':
      return { screen, ...(arg !== undefined && { arg }) };
    default:
      return { screen: 'queues', ...(arg !== undefined && { arg }) };
  }
}

/** A key given in the address (`#/?key=...`, as `npm start` prints it) is stored and removed from the URL. */
function takeKeyFromAddress(): void {
  const query = location.hash.split('?')[1];
  if (!query) return;
  const key = new URLSearchParams(query).get('key');
  if (key) {
    setApiKey(key);
    history.replaceState(null, '', `${location.pathname}#/queues`);
  }
}

function SignIn({ onDone }: { onDone: () => void }) {
  const [key, setKey] = useState('');
  const [name, setName] = useState(agentName());
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await request('GET', '/v1/tickets?limit=1', undefined, { key: key.trim() });
      setApiKey(key.trim());
      setAgentName(name.trim() || 'agent');
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <main id="main" class="signin">
      <form onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <h1 id="signin-title">{t('signInTitle')}</h1>
        <p class="hint">{t('signInHint')}</p>
        <label for="api-key">{t('apiKey')}</label>
        <input
          id="api-key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <label for="agent-name">{t('agentName')}</label>
        <input id="agent-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        {error && (
          <p role="alert" class="refusal">
            {error}
          </p>
        )}
        <button type="submit" class="primary">
          {t('signIn')}
        </button>
      </form>
    </main>
  );
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
      <button type="button" onClick={() => ref.current?.close()} autofocus>
        {t('close')}
      </button>
    </dialog>
  );
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

function App() {
  const [route, setRoute] = useState<Route>(() => parseHash(location.hash));
  const [signedIn, setSignedIn] = useState(() => apiKey() !== null);
  const [language, setLanguage] = useState<Lang>(lang());
  const [help, setHelp] = useState(false);

  useEffect(() => {
    const onHash = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onHash);
    whenUnauthorized(() => {
      setApiKey(null);
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
        window.dispatchEvent(new CustomEvent(ACTION_EVENT, { detail: e.key }));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const switchLang = (next: Lang) => {
    setLang(next);
    setLanguage(next);
  };

  if (!signedIn) {
    return (
      <>
        <header class="signin-top">
          <LangSwitch value={language} onChange={switchLang} />
        </header>
        <SignIn onDone={() => setSignedIn(true)} />
      </>
    );
  }

  const nav: [Route['screen'], string, Parameters<typeof t>[0]][] = [
    ['queues', '#/queues', 'navQueues'],
    ['intake', '#/intake', 'navIntake'],
    ['customers', '#/customers', 'navCustomers'],
    ['policies', '#/policies', 'navPolicies'],
    ['reports', '#/reports', 'navReports'],
  ];
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}
      >
        {t('skip')}
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
          </ul>
        </nav>
        <div class="tools">
          <span class="who" title={t('agentName')}>
            {agentName()}
          </span>
          <LangSwitch value={language} onChange={switchLang} />
          <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            {t('help')}
          </button>
          <button
            type="button"
            onClick={() => {
              setApiKey(null);
              setSignedIn(false);
            }}
          >
            {t('signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} key={language}>
        {route.screen === 'queues' && (
          <QueuesView queue={route.arg ?? 'all'} pageSize={Number(route.query?.get('limit')) || undefined} />
        )}
        {route.screen === 'ticket' && <TicketView key={route.arg} number={Number(route.arg)} />}
        {route.screen === 'intake' && <IntakeView />}
        {route.screen === 'customers' && <CustomersView selected={route.arg} />}
        {route.screen === 'policies' && <PoliciesView selected={route.arg} />}
        {route.screen === 'reports' && <ReportsView />}
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

takeKeyFromAddress();
document.documentElement.lang = lang();
void loadConsoleConfig().then(() => render(<App />, document.getElementById('app')!));
