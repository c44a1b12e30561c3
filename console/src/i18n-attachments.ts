/** Texts of the attachment pieces of the console (file picker, file lists), in Spanish and English. */
import { lang } from './i18n';

const texts = {
  files: ['Adjuntos', 'Attachments'],
  pick: ['Elegir archivos o soltarlos aquí', 'Choose files or drop them here'],
  remove: ['Quitar', 'Remove'],
  uploading: ['Subiendo adjuntos…', 'Uploading attachments…'],
  tooMany: ['Demasiados archivos para un mensaje.', 'Too many files for one message.'],
  download: ['Descargar', 'Download'],
} as const;

/** A text key of this module. */
export type AttachmentTextKey = keyof typeof texts;

/** The text in the console's language. */
export function tx(key: AttachmentTextKey): string {
  return texts[key][lang() === 'en' ? 1 : 0];
}
