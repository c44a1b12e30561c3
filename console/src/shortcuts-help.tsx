/** The shortcuts help's rows for row navigation, sending and going back (the `?` dialog shows them). */
import { lang } from './i18n';
import { tx, type KeyboardTextKey } from './i18n-keyboard';

const SECTIONS: [KeyboardTextKey, [string[], KeyboardTextKey][]][] = [
  [
    'queueSection',
    [
      [['j', 'k'], 'k_jk'],
      [['↓', '↑'], 'k_arrows'],
      [['Intro', 'o'], 'k_open'],
      [['x'], 'k_select'],
    ],
  ],
  [
    'ticketSection',
    [
      [['Ctrl+Intro', '⌘+Intro'], 'k_send'],
      [['Esc'], 'k_esc'],
    ],
  ],
];

/** A key's name as the keyboard in the current language labels it. */
function keyName(key: string): string {
  return lang() === 'es' ? key : key.replace('Intro', 'Enter');
}

/** The navigation and sending shortcuts, by where they work. */
export function ShortcutRows() {
  return (
    <>
      {SECTIONS.map(([title, rows]) => (
        <section key={title} aria-label={tx(title)}>
          <h3>{tx(title)}</h3>
          <dl>
            {rows.map(([keys, text]) => (
              <div key={text}>
                <dt>
                  {keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && ' / '}
                      <kbd>{keyName(k)}</kbd>
                    </span>
                  ))}
                </dt>
                <dd>{tx(text)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <p class="muted">{tx('k_typing')}</p>
    </>
  );
}
