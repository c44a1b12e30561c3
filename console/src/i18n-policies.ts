/** Texts of the policy-version screens and the report's range and export, in Spanish and English. */
import { lang } from './i18n';

const texts = {
  yaml: ['YAML', 'YAML'],
  viewYaml: ['Ver YAML', 'View YAML'],
  yamlOf: ['YAML de la versión', 'YAML of version'],
  upload: ['Subir una versión nueva', 'Upload a new version'],
  uploadHint: [
    'Pegue el YAML (o elija un archivo). El documento indica su id y su número de versión, que debe ser nuevo; la versión queda inactiva hasta activarla.',
    'Paste the YAML (or choose a file). The document names its id and its version number, which must be new; the version stays inactive until activated.',
  ],
  yamlText: ['Texto YAML', 'YAML text'],
  file: ['Archivo', 'File'],
  send: ['Subir', 'Upload'],
  uploaded: ['Versión subida:', 'Version uploaded:'],
  invalid: [
    'La versión no es válida. Cada error, por su ruta en el documento:',
    'The version is not valid. Each error, by its path in the document:',
  ],
  wholeDocument: ['(el documento)', '(the document)'],
  compare: ['Comparar versiones', 'Compare versions'],
  from: ['Desde', 'From'],
  to: ['Hasta', 'To'],
  showDiff: ['Ver diferencias', 'Show differences'],
  diffStats: ['líneas quitadas / añadidas', 'lines removed / added'],
  noDiff: ['Las dos versiones son iguales.', 'Both versions are the same.'],
  slaEffect: ['Efecto en el SLA (primera respuesta)', 'SLA effect (first response)'],
  slaEffectHint: [
    'Para un ticket creado en el instante elegido, en cada plan y prioridad: el vencimiento de la primera respuesta con cada versión.',
    'For a ticket created at the chosen instant, on each plan and priority: the first-response due instant under each version.',
  ],
  createdAt: ['Creado el', 'Created at'],
  computeEffect: ['Comparar vencimientos', 'Compare due instants'],
  plan: ['Plan', 'Plan'],
  priority: ['Prioridad', 'Priority'],
  change: ['Cambio', 'Change'],
  earlier: ['antes', 'earlier'],
  later: ['después', 'later'],
  same: ['igual', 'same'],
  noTarget: ['sin objetivo', 'no target'],
  confirmTitle: ['¿Activar la versión?', 'Activate this version?'],
  confirmNew: [
    'La versión activa pasa a ser la que se ofrece a los contratos nuevos.',
    'The active version becomes the one offered to new contracts.',
  ],
  confirmTickets: [
    'Nada de lo que está en curso cambia: cada ticket conserva la versión con la que se abrió.',
    'Nothing in progress changes: every ticket keeps the version it was opened under.',
  ],
  openPinned: ['tickets abiertos con la versión', 'open tickets pinned to version'],
  keepIt: ['la conservan hasta cerrarse.', 'keep it until they close.'],
  contractsPinned: ['contratos nombran la versión', 'contracts name version'],
  contractsKeep: [
    'y sus tickets nuevos se seguirán abriendo con ella hasta que se cambie el contrato.',
    'and their new tickets keep opening under it until the contract is changed.',
  ],
  openPinnedOne: ['ticket abierto con la versión', 'open ticket pinned to version'],
  keepItOne: ['la conserva hasta cerrarse.', 'keeps it until it closes.'],
  contractsPinnedOne: ['contrato nombra la versión', 'contract names version'],
  contractsKeepOne: [
    'y sus tickets nuevos se seguirán abriendo con ella hasta que se cambie el contrato.',
    'and its new tickets keep opening under it until the contract is changed.',
  ],
  noActive: ['Esta política no tiene versión activa.', 'This policy has no active version.'],
  confirm: ['Activar', 'Activate'],
  cancel: ['Cancelar', 'Cancel'],
  rangeFrom: ['Desde el día', 'From day'],
  rangeTo: ['Hasta el día (incluido)', 'To day (included)'],
  rangeHint: ['Días en su zona horaria', 'Days in your time zone'],
  rangeMissing: ['Elija el primer y el último día.', 'Choose the first and the last day.'],
  rangeInverted: ['La fecha final es anterior a la inicial.', 'The end date is before the start date.'],
  rangeTooLong: ['El rango no puede superar 366 días.', 'The range cannot be longer than 366 days.'],
  downloadCsv: ['Descargar CSV', 'Download CSV'],
  by_policy: ['Por política', 'By policy'],
} as const;

/** A text key of these screens. */
export type PolicyTextKey = keyof typeof texts;

/** The text for a key in the current language. */
export function tx(key: PolicyTextKey): string {
  return texts[key][lang() === 'es' ? 0 : 1];
}
