/** Texts of the portal's file picker and file lists, in Spanish and English (`tx(key, vars)`). */
import { lang } from './i18n';

const texts = {
  files: ['Adjuntos', 'Attachments'],
  pick: [
    'Capturas o archivos: elíjalos o suéltelos aquí',
    'Screenshots or files: choose them or drop them here',
  ],
  hint: [
    'Imágenes (PNG, JPEG, GIF, WebP), PDF, texto, ZIP u Office. Cada archivo se revisa al elegirlo.',
    'Images (PNG, JPEG, GIF, WebP), PDF, text, ZIP or Office. Each file is checked as you choose it.',
  ],
  required: [
    'Su contrato pide adjuntar al menos {n} imagen o archivo (por ejemplo, una captura de pantalla).',
    'Your contract asks for at least {n} image or file (a screenshot, for example).',
  ],
  missing: [
    'Adjunte al menos {n} archivo antes de enviar el caso.',
    'Attach at least {n} file before sending the ticket.',
  ],
  uploading: ['subiendo…', 'uploading…'],
  ready: ['listo', 'ready'],
  wait: ['Espere a que terminen de subir los archivos.', 'Wait for the files to finish uploading.'],
  failed: [
    'No se pudo subir el archivo; inténtelo de nuevo.',
    'The file could not be uploaded; please try again.',
  ],
  tooLarge: ['El archivo supera el tamaño máximo.', 'The file is larger than the limit.'],
  notSent: ['no se enviará', 'will not be sent'],
  remove: ['Quitar', 'Remove'],
} as const;

/** A text key of this module. */
export type AttachmentTextKey = keyof typeof texts;

/** The text in the portal's language, with `{name}` placeholders filled. */
export function tx(key: AttachmentTextKey, vars: Record<string, string | number> = {}): string {
  const text = texts[key][lang() === 'en' ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
}
