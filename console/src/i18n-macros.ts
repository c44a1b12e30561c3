/** Texts of canned replies, macros, CC and bulk actions, in Spanish and English (see `i18n.ts`). */
import { lang } from './i18n';

const texts = {
  navCanned: ['Respuestas predefinidas', 'Canned replies'],
  cannedTitle: ['Respuestas predefinidas y macros', 'Canned replies and macros'],
  pickerLabel: ['Buscar respuesta predefinida', 'Find a canned reply'],
  pickerEmpty: ['No hay respuestas predefinidas que coincidan.', 'No canned reply matches.'],
  insert: ['Insertar', 'Insert'],
  applyMacro: ['Aplicar macro', 'Apply macro'],
  macroResult: ['Resultado de la macro', 'Macro result'],
  cc: ['CC (correos separados por comas)', 'CC (emails separated by commas)'],
  ccShown: ['CC', 'CC'],
  step_assign: ['Asignar', 'Assign'],
  step_change_priority: ['Cambiar prioridad', 'Change priority'],
  step_reply: ['Responder', 'Reply'],
  step_request_info: ['Solicitar información', 'Request information'],
  step_resolve: ['Resolver', 'Resolve'],
  step_close: ['Cerrar', 'Close'],
  out_ok: ['hecho', 'done'],
  out_refused: ['rechazado', 'refused'],
  out_unchanged: ['sin cambios (ya estaba así)', 'unchanged (already so)'],
  out_not_found: ['no encontrado', 'not found'],
  out_not_running: ['cerrado definitivamente', 'closed for good'],
  selectTicket: ['Seleccionar', 'Select'],
  selectAll: ['Seleccionar todos los de la página', 'Select all on this page'],
  selected: ['seleccionados', 'selected'],
  selectedOne: ['seleccionado', 'selected'],
  bulkAction: ['Acción en lote', 'Bulk action'],
  bulkBar: ['Acciones en lote', 'Bulk actions'],
  bulk_assign: ['Asignar a', 'Assign to'],
  bulk_priority: ['Cambiar prioridad', 'Change priority'],
  bulk_resolve: ['Resolver con solución', 'Resolve with solution'],
  bulk_close: ['Cerrar con motivo', 'Close with reason'],
  bulk_note: ['Añadir nota interna', 'Add internal note'],
  bulkValue: ['Valor', 'Value'],
  bulkApply: ['Aplicar a los seleccionados', 'Apply to selected'],
  bulkResults: ['Resultado por ticket', 'Result per ticket'],
  clearSelection: ['Quitar selección', 'Clear selection'],
  title: ['Título', 'Title'],
  text: ['Texto', 'Text'],
  language: ['Idioma', 'Language'],
  scope: ['Visibilidad', 'Visibility'],
  scope_personal: ['Personal (solo yo)', 'Personal (only me)'],
  scope_shared: ['Compartida con el equipo', 'Shared with the team'],
  macroStatus: ['Además, estado', 'Also set status'],
  macroPriority: ['Además, prioridad', 'Also set priority'],
  macroAssignee: ['Además, asignar a', 'Also assign to'],
  nothing: ['—', '—'],
  save: ['Guardar', 'Save'],
  create: ['Nueva respuesta', 'New reply'],
  edit: ['Editar', 'Edit'],
  delete: ['Eliminar', 'Delete'],
  cancel: ['Cancelar', 'Cancel'],
  placeholdersHelp: ['Marcadores disponibles', 'Available placeholders'],
  macro: ['macro', 'macro'],
  saved: ['Guardado', 'Saved'],
} as const;

export type MacroTextKey = keyof typeof texts;

/** The text for a key in the current language. */
export function tx(key: MacroTextKey): string {
  return texts[key][lang() === 'es' ? 0 : 1];
}

/** The text for a dynamic key (`out_ok`, `step_assign`), or the raw value when unknown. */
export function txv(prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return key in texts ? tx(key as MacroTextKey) : value;
}
