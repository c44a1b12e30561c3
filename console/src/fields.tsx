import { useEffect, useRef, useState } from 'preact/hooks';
import { tv } from './i18n';

/** A `[value, text]` choice of a select. */
export type Choice = readonly [value: string, text: string];

/** Priorities, most urgent first, with their names in the current language. */
export const priorityChoices = (): Choice[] =>
  ['critical', 'high', 'medium', 'low'].map((p) => [p, tv('pr_', p)] as const);

/** A labelled select in a form grid; `empty` adds a first choice with the value `''`. */
export function SelectField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  choices: readonly Choice[];
  empty?: string;
  class?: string;
}) {
  return (
    <div class={props.class ?? 'field'}>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.choices.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A search box. What the user types is the box's own state, so a re-render of the screen (a poll answering
 * every few seconds) never puts an older value back under the cursor; the search itself follows after a
 * pause in typing, or at once on Enter or on leaving the box.
 */
export function SearchField(props: {
  id: string;
  label: string;
  value: string;
  onSearch: (value: string) => void;
  placeholder?: string;
  shortcut?: string;
  pauseMs?: number;
}) {
  const [text, setText] = useState(props.value);
  const committed = useRef(props.value);
  // A value set from outside (a saved view, the address) replaces what the box shows.
  useEffect(() => {
    if (props.value !== committed.current) {
      committed.current = props.value;
      setText(props.value);
    }
  }, [props.value]);
  const commit = (value: string) => {
    if (value === committed.current) return;
    committed.current = value;
    props.onSearch(value);
  };
  useEffect(() => {
    const timer = setTimeout(() => commit(text), props.pauseMs ?? 400);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="search"
        placeholder={props.placeholder}
        value={text}
        aria-keyshortcuts={props.shortcut}
        onInput={(e) => setText(e.currentTarget.value)}
        onChange={(e) => commit(e.currentTarget.value)}
      />
    </div>
  );
}
