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
