/**
 * A list a manager edits on a contract (authorized requesters, licences, trained users): the items, each
 * with a remove button that asks first, and a form that adds one. The whole new list is saved at once.
 */
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { ConfirmButton } from './confirm';

export function ListEditor<T>(props: {
  title: string;
  empty: string;
  items: T[];
  keyOf: (item: T, index: number) => string;
  show: (item: T) => ComponentChildren;
  /** Names the item on its remove button and in the question. */
  nameOf: (item: T) => string;
  removeLabel: string;
  removeQuestion: (name: string) => string;
  canEdit: boolean;
  onSave: (items: T[]) => Promise<void>;
  addLabel: string;
  /** The add form's fields; `build` reads them, `reset` clears them once the list is saved. */
  fields: ComponentChildren;
  build: () => T;
  reset: () => void;
}) {
  const list = props.items;
  return (
    <section aria-label={props.title}>
      <h5>{props.title}</h5>
      {list.length === 0 && <p class="muted">{props.empty}</p>}
      <ul class="list">
        {list.map((item, i) => (
          <li key={props.keyOf(item, i)}>
            {props.show(item)}{' '}
            {props.canEdit && (
              <ConfirmButton
                label={`${props.removeLabel} ${props.nameOf(item)}`.trim()}
                question={props.removeQuestion(props.nameOf(item) || '—')}
                onConfirm={() => props.onSave(list.filter((_, j) => j !== i))}
              />
            )}
          </li>
        ))}
      </ul>
      {props.canEdit && (
        <form
          aria-label={props.addLabel}
          onSubmit={(e) => {
            e.preventDefault();
            void props.onSave([...list, props.build()]).then(props.reset);
          }}
        >
          <div class="grid2">{props.fields}</div>
          <button type="submit">{props.addLabel}</button>
        </form>
      )}
    </section>
  );
}

/** A labelled text input of an add form. */
export function TextField(props: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'email' | 'date';
  required?: boolean;
  maxLength?: number;
}) {
  // Preact types each input type apart; this one field is a text, email or date input.
  const attributes = {
    id: props.id,
    type: props.type ?? 'text',
    required: props.required,
    maxLength: props.maxLength,
  } as InputHTMLAttributes<HTMLInputElement>;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input {...attributes} value={props.value} onInput={(e) => props.onValue(e.currentTarget.value)} />
    </div>
  );
}

/** A labelled checkbox of an add form. */
export function CheckField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChecked: (checked: boolean) => void;
}) {
  return (
    <div class="field check">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChecked(e.currentTarget.checked)}
      />
      <label for={props.id}>{props.label}</label>
    </div>
  );
}
