/**
 * A button that asks before doing something that cannot be undone (removing a requester, ending a contract).
 * The question opens with the safe choice focused, so Enter pressed right away cancels; Esc cancels too, and
 * cancelling puts focus back on the button that asked.
 */
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';

export function ConfirmButton(props: {
  label: string;
  /** The question, saying what will happen. */
  question: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const safe = useRef<HTMLButtonElement>(null);
  /** Whether the opening button gets focus back once the question closes (after cancelling). */
  const refocus = useRef(false);
  // Focus moves as the question renders, not a frame later: an Enter pressed at once already meets Cancel.
  useLayoutEffect(() => {
    if (asking) {
      safe.current?.focus();
    } else if (refocus.current) {
      refocus.current = false;
      opener.current?.focus();
    }
  }, [asking]);
  const cancel = () => {
    refocus.current = true;
    setAsking(false);
  };

  if (!asking) {
    return (
      <button
        ref={opener}
        type="button"
        class="danger"
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <div
      role="alertdialog"
      aria-label={props.label}
      class="notice confirm"
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        // Handled here: Esc closes the question and goes no further (not back to a queue, say).
        e.preventDefault();
        e.stopPropagation();
        cancel();
      }}
    >
      <p>{props.question}</p>
      <button
        type="button"
        class="danger"
        onClick={() => {
          setAsking(false);
          void props.onConfirm();
        }}
      >
        {props.label}
      </button>{' '}
      <button ref={safe} type="button" onClick={cancel}>
        {t('cancel')}
      </button>
    </div>
  );
}
