/** The signed-in user's saved queue views: open one, save the current one, delete one (`/v1/views`). */
import { useEffect, useState } from 'preact/hooks';
import { get, post, request } from './api';
import { tx } from './i18n-search';

interface SavedView {
  id: number;
  name: string;
  query: string;
}

/** `query` is the current queue's hash query; `queue` its tab (views open on `#/queues/<queue>?<query>`). */
export function SavedViews({ queue, query }: { queue: string; query: string }) {
  const [views, setViews] = useState<SavedView[]>([]);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => {
    try {
      setViews((await get<{ items: SavedView[] }>('/v1/views')).items);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  useEffect(() => {
    void load();
  }, []);
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await post('/v1/views', { name: name.trim(), query: `queue=${encodeURIComponent(queue)}&${query}` });
      setName('');
      setMessage(tx('viewSaved'));
      await load();
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  const remove = async (view: SavedView) => {
    try {
      await request('DELETE', `/v1/views/${view.id}`);
      await load();
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <details class="saved-views">
      <summary>{tx('savedViews')}</summary>
      {views.length === 0 ? (
        <p class="muted">{tx('noViews')}</p>
      ) : (
        <ul>
          {views.map((v) => (
            <li key={v.id}>
              <a href={viewHref(v.query)}>{v.name}</a>{' '}
              <button
                type="button"
                aria-label={`${tx('deleteViewNamed')} ${v.name}`}
                onClick={() => void remove(v)}
              >
                {tx('deleteView')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void save(e)}>
        <label for="view-name">{tx('viewName')}</label>{' '}
        <input
          id="view-name"
          value={name}
          maxLength={80}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />{' '}
        <button type="submit">{tx('saveView')}</button>
      </form>
      {message && <p aria-live="polite">{message}</p>}
    </details>
  );
}

/** The queue address a saved query opens (its `queue` pair names the tab). */
function viewHref(saved: string): string {
  const params = new URLSearchParams(saved);
  const queue = params.get('queue') ?? 'all';
  params.delete('queue');
  const rest = params.toString();
  return `#/queues/${encodeURIComponent(queue)}${rest ? `?${rest}` : ''}`;
}
