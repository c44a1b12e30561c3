/** The customer portal: sign-in by emailed link or code, the new-ticket form, my tickets. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { request, sessionEpoch, whenUnauthorized, type Session } from './api';
import { lang, setLang, t, type Lang } from './i18n';
import { NewTicketView } from './views/new-ticket';
import { SignInView } from './views/sign-in';
import { TicketView } from './views/ticket';
import { TicketsView } from './views/tickets';
import './styles.css';

/** The screen a hash names: `#/sign-in/<token>`, `#/tickets`, `#/tickets/12`, `#/new`. */
type Route =
  | { screen: 'sign-in'; token?: string }
  | { screen: 'tickets' }
  | { screen: 'ticket'; number: number }
  | { screen: 'new' };

function parseHash(hash: string): Route {
  const [screen = '', arg] = hash.replace(/^#\/?/, '').split('/');
  if (screen === 'sign-in') return arg ? { screen: 'sign-in', token: arg } : { screen: 'sign-in' };
  if (screen === 'new') return { screen: 'new' };
  if (screen === 'tickets' && arg && /^\d+$/.test(arg)) return { screen: 'ticket', number: Number(arg) };
  return { screen: 'tickets' };
}

/** Where to go after signing in: the ticket an email linked to, else my tickets. */
const AFTER_SIGN_IN = 'orquesta.portal.next';

function App() {
  const [route, setRoute] = useState<Route>(parseHash(location.hash));
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [, setLanguage] = useState<Lang>(lang());

  useEffect(() => {
    const onHash = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', onHash);
    whenUnauthorized(() => setSession(null));
    // A link followed from an email signs in while this check is in flight: its late "no session" is stale.
    const epoch = sessionEpoch();
    const settle = (s: Session | null) => {
      if (epoch === sessionEpoch()) setSession(s);
    };
    request<Session>('GET', '/session').then(settle, () => settle(null));
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const title = document.querySelector('main h1')?.textContent;
    document.title = title ? `${title} · ${t('appName')}` : t('appName');
  });

  const switchLang = (next: Lang) => {
    setLang(next);
    setLanguage(next);
  };

  const signedIn = (s: Session) => {
    setSession(s);
    const next = sessionStorage.getItem(AFTER_SIGN_IN);
    sessionStorage.removeItem(AFTER_SIGN_IN);
    location.hash = next ?? '#/tickets';
  };

  const signOut = async () => {
    await request('POST', '/sign-out').catch(() => undefined);
    setSession(null);
    location.hash = '#/sign-in';
  };

  let content;
  if (session === undefined && route.screen !== 'sign-in') {
    content = <p role="status">{t('loading')}</p>;
  } else if (route.screen === 'sign-in' || session === null || session === undefined) {
    if (route.screen === 'ticket') sessionStorage.setItem(AFTER_SIGN_IN, `#/tickets/${route.number}`);
    content = (
      <SignInView token={route.screen === 'sign-in' ? route.token : undefined} onSignedIn={signedIn} />
    );
  } else if (route.screen === 'new') {
    content = <NewTicketView />;
  } else if (route.screen === 'ticket') {
    content = <TicketView number={route.number} key={route.number} />;
  } else {
    content = <TicketsView session={session} />;
  }

  return (
    <>
      <a class="skip" href="#main">
        {t('skip')}
      </a>
      <header class="top">
        <span class="brand">{t('appName')}</span>
        {session && (
          <nav aria-label={t('mainNav')}>
            <a href="#/tickets" aria-current={route.screen === 'tickets' ? 'page' : undefined}>
              {t('navTickets')}
            </a>
            <a href="#/new" aria-current={route.screen === 'new' ? 'page' : undefined}>
              {t('navNew')}
            </a>
          </nav>
        )}
        <div class="tools">
          <div role="group" aria-label={t('language')} class="langs">
            <button type="button" lang="es" aria-pressed={lang() === 'es'} onClick={() => switchLang('es')}>
              Español
            </button>
            <button type="button" lang="en" aria-pressed={lang() === 'en'} onClick={() => switchLang('en')}>
              English
            </button>
          </div>
          {session && (
            <button type="button" onClick={() => void signOut()}>
              {t('signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
