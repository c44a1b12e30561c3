/** The console's routes: a screen and its argument, read from the address's hash (`#/queues/all?q=…`). */
export interface Route {
  screen:
    | 'queues'
    | 'ticket'
    | 'intake'
    | 'customers'
    | 'quota'
    | 'policies'
    | 'reports'
    | 'canned-replies'
    | 'users'
    | 'preferences'
    | 'setup'
    | 'forgot'
    | 'reset';
  arg?: string;
  /** Query after `?` in the hash (e.g. `#/queues/all?limit=10`). */
  query?: URLSearchParams;
}

export function parseHash(hash: string): Route {
  return { ...parsePath(hash), query: new URLSearchParams(hash.split('?')[1] ?? '') };
}

export function parsePath(hash: string): Route {
  const [screen = '', arg] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/');
  switch (screen) {
    case 'tickets':
      return arg ? { screen: 'ticket', arg } : { screen: 'queues' };
    case 'intake':
    case 'customers':
    case 'quota':
    case 'policies':
    case 'reports':
    case 'canned-replies':
    case 'users':
    case 'preferences':
    case 'setup':
    case 'forgot':
    case 'reset':
      return { screen, ...(arg !== undefined && { arg }) };
    default:
      return { screen: 'queues', ...(arg !== undefined && { arg }) };
  }
}
