/** Texts of the keyboard shortcuts, the shortcuts help and the skip link, in Spanish and English. */
import { lang } from './i18n';

const texts = {
  skipToTickets: ['Saltar a los tickets', 'Skip to the tickets'],
  k_jk: ['Siguiente / anterior ticket de la cola', 'Next / previous ticket in the queue'],
  k_arrows: [
    'Siguiente / anterior ticket (con el foco en la cola)',
    'Next / previous ticket (focus in the queue)',
  ],
  k_open: ['Abrir el ticket seleccionado', 'Open the selected ticket'],
  k_select: [
    'Marcar o desmarcar el ticket actual para una acción en lote',
    'Tick or untick the current ticket for a bulk action',
  ],
  k_send: ['Enviar el formulario en el que escribe', 'Send the form you are typing in'],
  k_esc: [
    'Salir del campo (el texto se queda); cerrar un diálogo; o volver a la cola desde un ticket',
    'Leave the field (the text stays); close a dialog; or go back to the queue from a ticket',
  ],
  k_typing: [
    'Mientras escribe en un campo las letras son texto: solo actúan Ctrl+Intro y Esc.',
    'While you type in a field, letters are text: only Ctrl+Enter and Esc act.',
  ],
  queueSection: ['En la cola', 'In the queue'],
  ticketSection: ['En un ticket', 'In a ticket'],
  everywhere: ['En todas partes', 'Everywhere'],
} satisfies Record<string, [string, string]>;

/** A key of this module's texts. */
export type KeyboardTextKey = keyof typeof texts;

/** The text for a key in the current language. */
export function tx(key: KeyboardTextKey): string {
  return texts[key][lang() === 'es' ? 0 : 1];
}
