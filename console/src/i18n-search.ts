/** Texts of the queue's sorting, total count and saved views (issue 17), in Spanish and English. */
import { lang } from './i18n';

const texts = {
  total: ['tickets', 'tickets'],
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

/** The text for a key in the current language. */
export function tx(key: SearchTextKey): string {
  return texts[key][lang() === 'es' ? 0 : 1];
}
