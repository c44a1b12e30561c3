/**
 * Keyboard and focus for the queue and the ticket view: one tab stop for the queue's rows (j/k and the arrows
 * move between them, o opens, x selects or unselects the current row for a bulk action), Ctrl+Enter (Cmd+Enter) sends the form being typed in, Esc goes back from a
 * ticket to the queue with its scroll position and the focus on the ticket's row, and focus kept on a
 * sensible element after an action instead of falling to the top of the page.
 */
import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useState } from 'preact/hooks';

/** Whether the key was pressed while typing (shortcuts never fire then); a checkbox or radio takes no text. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio'))
    return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Whether a modal dialog is open (it gets the keys, not the page behind it). */
function dialogOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

/** Where the queue was left: its address and scroll position, so coming back restores both. */
interface QueuePlace {
  hash: string;
  scrollY: number;
}

const PLACE_KEY = 'orquesta.queue.place';

function loadPlace(): QueuePlace | null {
  try {
    const place = JSON.parse(sessionStorage.getItem(PLACE_KEY) ?? 'null') as QueuePlace | null;
    return place && typeof place.hash === 'string' && typeof place.scrollY === 'number' ? place : null;
  } catch {
    return null;
  }
}

function savePlace(place: QueuePlace): void {
  sessionStorage.setItem(PLACE_KEY, JSON.stringify(place));
}

/** The ticket whose page was left for the queue by the last navigation (consumed by the queue once). */
let arrivedFromTicket: number | null = null;
/** The queue row that holds the queue's tab stop (the last one focused). */
let currentRow: number | null = null;

/** The address of a queue as the way back uses it (the start page is the queues). */
function queueAddress(hash: string): string {
  return hash === '' || hash === '#' || hash === '#/' ? '#/queues' : hash;
}

/** Whether the address shows the queues (`#/queues/...`, or the start page). */
function isQueueHash(hash: string): boolean {
  return queueAddress(hash).startsWith('#/queues');
}

function ticketOfHash(hash: string): number | null {
  const m = /^#\/tickets\/(\d+)/.exec(hash);
  return m ? Number(m[1]) : null;
}

/**
 * Installs the page-wide keys once: Ctrl+Enter (Cmd+Enter) submits the form the focus is in, as its submit
 * button would (validation included, nothing while that button is disabled); and it remembers which ticket
 * page a navigation came from, for the queue to put the focus back on that ticket's row.
 */
export function installGlobalKeys(): void {
  window.addEventListener('hashchange', (e) => {
    arrivedFromTicket = ticketOfHash(new URL(e.oldURL).hash);
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    const form = e.target instanceof Element ? e.target.closest('form') : null;
    if (!form) return;
    const submitter = form.querySelector<HTMLButtonElement>('button[type="submit"], button:not([type])');
    e.preventDefault();
    if (submitter?.disabled) return;
    form.requestSubmit(submitter ?? undefined);
  });
}

/** The queue's row links, in order: the first link of each `tr[data-ticket]`. */
function rowLinks(container: HTMLElement): HTMLAnchorElement[] {
  return [...container.querySelectorAll<HTMLTableRowElement>('tr[data-ticket]')]
    .map((row) => row.querySelector<HTMLAnchorElement>('a[href^="#/tickets/"]'))
    .filter((a): a is HTMLAnchorElement => a !== null);
}

function numberOf(link: HTMLAnchorElement): number {
  return Number(link.closest('tr')?.dataset.ticket);
}

/** The link holding the queue's tab stop: the current row's, else the first. */
function currentLink(container: HTMLElement): HTMLAnchorElement | undefined {
  const links = rowLinks(container);
  return links.find((a) => numberOf(a) === currentRow) ?? links[0];
}

/** Makes `link`'s row the current one and focuses it (scrolled into view only as far as needed). */
function focusRow(container: HTMLElement, link: HTMLAnchorElement, scroll = true): void {
  currentRow = numberOf(link);
  applyTabStops(container);
  link.focus({ preventScroll: true });
  if (scroll) link.closest('tr')?.scrollIntoView({ block: 'nearest' });
}

/** The selection checkbox of a row link's row, if the queue offers one. */
function rowCheckbox(link: HTMLAnchorElement): HTMLInputElement | null {
  return link.closest('tr')?.querySelector<HTMLInputElement>('input[type="checkbox"]') ?? null;
}

/**
 * One tab stop for the whole list (the current row's link); each row link describes itself by its row. The
 * rows' selection checkboxes are out of the tab order (x toggles the current row's; the mouse still clicks).
 */
function applyTabStops(container: HTMLElement): void {
  for (const box of container.querySelectorAll<HTMLInputElement>('tr[data-ticket] input[type="checkbox"]')) {
    box.tabIndex = -1;
  }
  const links = rowLinks(container);
  const current = links.find((a) => numberOf(a) === currentRow) ?? links[0];
  for (const link of links) {
    link.tabIndex = link === current ? 0 : -1;
    const row = link.closest('tr')!;
    row.id ||= `queue-row-${numberOf(link)}`;
    // Announced on focus: subject, customer, priority, status, assignee and countdown of the row.
    link.setAttribute('aria-describedby', row.id);
  }
}

/**
 * The queue's keyboard: `container` holds the rows (`tr[data-ticket]`, each with a link to its ticket).
 * j / ArrowDown and k / ArrowUp move between rows (the arrows only while the focus is in the list), o opens
 * the current row (Enter does, as on any link), x toggles the current row's selection checkbox and focuses
 * that row. Once `loaded`, a queue reached from a ticket page puts the
 * focus back on that ticket's row and restores the scroll position the queue was left at.
 */
export function useQueueKeyboard(container: RefObject<HTMLElement | null>, loaded: boolean): void {
  // Rows come and go with each poll: the tab stop follows after every render.
  useLayoutEffect(() => {
    if (container.current) applyTabStops(container.current);
  });

  // Where the queue was left last time, read before this visit overwrites it.
  const [left] = useState(loadPlace);
  // Where the queue is left (scroll position), kept as it changes: the next screen replaces the page.
  useEffect(() => {
    // Only while the address still names the queue: the scroll event that follows opening a ticket must not
    // record the ticket's address as the queue's.
    const remember = () => {
      if (isQueueHash(location.hash))
        savePlace({ hash: queueAddress(location.hash), scrollY: window.scrollY });
    };
    remember();
    window.addEventListener('scroll', remember, { passive: true });
    return () => window.removeEventListener('scroll', remember);
  }, []);

  useLayoutEffect(() => {
    const root = container.current;
    if (!loaded || !root || arrivedFromTicket === null) return;
    const from = arrivedFromTicket;
    arrivedFromTicket = null;
    const link = rowLinks(root).find((a) => numberOf(a) === from) ?? rowLinks(root)[0];
    if (!link) return;
    if (left && left.hash === queueAddress(location.hash)) window.scrollTo(0, left.scrollY);
    focusRow(root, link, false);
    const box = link.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight)
      link.closest('tr')?.scrollIntoView({ block: 'center' });
  }, [loaded]);

  useEffect(() => {
    // Whatever gets the focus in a row (its link, or its checkbox by the mouse) makes that row the current one.
    const onFocus = (e: FocusEvent) => {
      const root = container.current;
      const row = e.target instanceof Element ? e.target.closest<HTMLElement>('tr[data-ticket]') : null;
      if (root && row && root.contains(row)) {
        currentRow = Number(row.dataset.ticket);
        applyTabStops(root);
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const root = container.current;
      if (!root || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      if (isTyping(e.target) || dialogOpen()) return;
      const inList = e.target instanceof Node && root.contains(e.target);
      const step =
        e.key === 'j' || (e.key === 'ArrowDown' && inList)
          ? 1
          : e.key === 'k' || (e.key === 'ArrowUp' && inList)
            ? -1
            : 0;
      const links = rowLinks(root);
      if (step !== 0 && links.length > 0) {
        e.preventDefault();
        const at = links.findIndex((a) => numberOf(a) === currentRow);
        // The first press from outside the list lands on the current row; then each press moves one row.
        const next = !inList && at >= 0 ? at : Math.min(links.length - 1, Math.max(0, at + step));
        focusRow(root, links[next]!);
      } else if (e.key === 'o') {
        const link = currentLink(root);
        if (link) {
          e.preventDefault();
          location.hash = link.getAttribute('href')!;
        }
      } else if (e.key === 'x') {
        const link = currentLink(root);
        const box = link ? rowCheckbox(link) : null;
        if (link && box) {
          e.preventDefault();
          // A click, as the mouse's: the queue's own change handler updates the selection.
          box.click();
          focusRow(root, link);
        }
      }
    };
    window.addEventListener('focusin', onFocus);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('focusin', onFocus);
      window.removeEventListener('keydown', onKey);
    };
  }, []);
}

/** The skip link's target: the queue's current row when the queue shows rows, else the main region. */
export function skipToContent(): void {
  const main = document.getElementById('main');
  const link = main ? currentLink(main) : undefined;
  if (main && link) focusRow(main, link);
  else main?.focus();
}

/** The address of the queue this session last looked at (with its filters), for the way back from a ticket. */
export function queueHref(): string {
  return loadPlace()?.hash || '#/queues';
}

/**
 * Esc on a ticket page: in a form's field it leaves the field for the form (the text stays, a second Esc goes
 * on); elsewhere, unless a dialog is open (Esc closes it), back to the queue it came from.
 */
export function useEscapeToQueue(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || dialogOpen()) return;
      if (isTyping(e.target)) {
        const form = (e.target as HTMLElement).closest<HTMLElement>('form[tabindex]');
        if (form) {
          e.preventDefault();
          form.focus();
        }
        return;
      }
      e.preventDefault();
      location.hash = queueHref();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/**
 * Focuses `target` when the focus has nowhere sensible to be (on the page body, or on an element the last
 * render removed), so an action's result or a newly loaded page is where the keyboard continues from.
 */
export function focusIfLost(target: HTMLElement | null | undefined): void {
  const active = document.activeElement;
  if (!target || (active && active !== document.body && active.isConnected)) return;
  target.focus({ preventScroll: false });
}
