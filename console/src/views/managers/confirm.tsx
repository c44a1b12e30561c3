/** A button that asks before doing something that cannot be undone (removing a requester, ending a contract). */
import { useState } from 'preact/hooks';
import { t } from '../../i18n';

export function ConfirmButton(props: {
  label: string;
  /** The question, saying what will happen. */
  question: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="danger" disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-label={props.label} class="notice confirm">
      <p>{props.question}</p>
      <button
        type="button"
        class="danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          void props.onConfirm();
        }}
      >
        {props.label}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </div>
  );
}
