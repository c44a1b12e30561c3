/** Texts of the queue's sorting, total count and saved views (issue 17), in Spanish and English. */
import { lang } from './i18n';

const texts = {
  total: ['tickets', 'tickets'],
  totalOne: ['ticket', 'ticket'],
  totalMore: ['más de', 'more than'],
  sortBy: ['Ordenar por', 'Sort by'],
  created: ['Creado', 'Created'],
  updated: ['Actualizado', 'Updated'],
  savedViews: ['Vistas guardadas', 'Saved views'],
  noViews: ['Aún no guardó ninguna vista.', 'No saved views yet.'],
  viewName: ['Nombre de la vista', 'View name'],
  saveView: ['Guardar vista', 'Save view'],
  deleteView: ['Borrar', 'Delete'],
  deleteViewNamed: ['Borrar la vista', 'Delete the view'],
  viewSaved: ['Vista guardada.', 'View saved.'],
} satisfies Record<string, [string, string]>;

/** A text key of this module. */
export type SearchTextKey = keyof typeof texts;

/** "1 ticket", "1.000 tickets" / "1,000 tickets": the total count in the current language, its number grouped as that language writes it. */
export function totalText(count: number): string {
  return `${count.toLocaleString(lang() === 'es' ? 'es-ES' : 'en-US', { useGrouping: true })} ${tx(count === 1 ? 'totalOne' : 'total')}`;
}

/** The text for a key in the current language. */
export function tx(key: SearchTextKey): string {
  return texts[key][lang() === 'es' ? 0 : 1];
}
