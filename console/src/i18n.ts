/** Every text of the console in Spanish (the default) and English. */

/** Languages of the console. */
export type Lang = 'es' | 'en';

const LANG_STORAGE = 'orquesta.lang';
let current: Lang = localStorage.getItem(LANG_STORAGE) === 'en' ? 'en' : 'es';

/** The current language. */
export function lang(): Lang {
  return current;
}

/** Switches the language (kept across visits). */
export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(LANG_STORAGE, next);
  document.documentElement.lang = next;
}

const texts = {
  appName: ['Orquesta', 'Orquesta'],
  skip: ['Saltar al contenido', 'Skip to content'],
  mainNav: ['Navegación principal', 'Main navigation'],
  navQueues: ['Colas', 'Queues'],
  navIntake: ['Alta telefónica', 'Phone intake'],
  navCustomers: ['Clientes y contratos', 'Customers and contracts'],
  navPolicies: ['Políticas', 'Policies'],
  navReports: ['Cumplimiento SLA', 'SLA compliance'],
  signOut: ['Salir', 'Sign out'],
  language: ['Idioma', 'Language'],
  help: ['Ayuda', 'Help'],
  signInTitle: ['Entrar en la consola', 'Sign in to the console'],
  email: ['Correo electrónico', 'Email'],
  password: ['Contraseña', 'Password'],
  newPassword: ['Nueva contraseña (10 caracteres o más)', 'New password (10 characters or more)'],
  signIn: ['Entrar', 'Sign in'],
  forgotPassword: ['¿Olvidaste la contraseña?', 'Forgot your password?'],
  forgotTitle: ['Restablecer la contraseña', 'Reset your password'],
  sendLink: ['Enviar enlace', 'Send link'],
  resetSent: [
    'Si el correo corresponde a una cuenta activa, recibirás un enlace válido durante 30 minutos.',
    'If the email belongs to an active account, you will get a link valid for 30 minutes.',
  ],
  backToSignIn: ['Volver a entrar', 'Back to sign in'],
  resetTitle: ['Elegir una contraseña', 'Choose a password'],
  savePassword: ['Guardar contraseña', 'Save password'],
  passwordSet: ['Contraseña guardada.', 'Password saved.'],
  setupTitle: ['Configurar Orquesta', 'Set up Orquesta'],
  setupHint: [
    'Crea la primera cuenta de administración. El enlace sirve una sola vez.',
    'Create the first administrator account. The link works once.',
  ],
  setupCreate: ['Crear y entrar', 'Create and sign in'],
  displayName: ['Nombre', 'Name'],
  role: ['Rol', 'Role'],
  role_agent: ['Agente', 'Agent'],
  role_supervisor: ['Supervisión', 'Supervisor'],
  role_admin: ['Administración', 'Administrator'],
  'role_read-only': ['Solo lectura', 'Read-only'],
  navUsers: ['Usuarios', 'Users'],
  navPrefs: ['Preferencias', 'Preferences'],
  usersTitle: ['Usuarios del equipo', 'Staff users'],
  usersCaption: [
    'Quién entra en la consola y con qué rol',
    'Who signs in to the console, and with which role',
  ],
  userActive: ['Activo', 'Active'],
  userInvited: ['Invitado', 'Invited'],
  userInactive: ['Desactivado', 'Deactivated'],
  deactivate: ['Desactivar', 'Deactivate'],
  reactivate: ['Reactivar', 'Reactivate'],
  newUser: ['Nuevo usuario', 'New user'],
  inviteUser: ['Crear e invitar por correo', 'Create and invite by email'],
  userInvitedSent: [
    'Usuario creado; le enviamos un enlace para elegir contraseña',
    'User created; we emailed a link to choose a password',
  ],
  prefsTitle: ['Preferencias', 'Preferences'],
  emailMe: ['Avisarme también por correo de', 'Also email me about'],
  notify_assigned: ['Tickets que me asignan', 'Tickets assigned to me'],
  notify_customerReply: ['Respuestas de clientes en mis tickets', 'Customer replies on my tickets'],
  notify_slaWarning: ['Avisos de SLA en mis tickets o mi cola', 'SLA warnings on my tickets or queue'],
  notify_slaBreach: [
    'Incumplimientos de SLA en mis tickets o mi cola',
    'SLA breaches on my tickets or queue',
  ],
  save: ['Guardar', 'Save'],
  saved: ['Guardado.', 'Saved.'],
  sessions: ['Sesiones', 'Sessions'],
  signOutEverywhere: ['Salir en todos los dispositivos', 'Sign out everywhere'],
  signOutEverywhereHint: [
    'Cierra todas tus sesiones abiertas, en este y en otros equipos.',
    'Ends every session you have open, on this and other devices.',
  ],
  signedInAs: ['Sesión de', 'Signed in as'],
  notifications: ['Avisos', 'Notifications'],
  noNotifications: ['Sin avisos por ahora.', 'No notifications yet.'],
  markRead: ['Marcar como leídos', 'Mark as read'],
  nAssigned: ['te fue asignado', 'was assigned to you'],
  nCustomerReply: ['tiene una respuesta del cliente', 'has a customer reply'],
  nSlaWarning: ['aviso de SLA:', 'SLA warning:'],
  nSlaBreach: ['SLA incumplido:', 'SLA breached:'],
  loading: ['Cargando…', 'Loading…'],
  error: ['Error', 'Error'],
  none: ['—', '—'],
  // queues
  qMine: ['Mis tickets', 'My tickets'],
  qUnassigned: ['Sin asignar', 'Unassigned'],
  qSoon: ['Vencen pronto', 'Breaching soon'],
  qBreached: ['Incumplidos', 'Breached'],
  qAwaiting: ['Esperando al cliente', 'Awaiting customer'],
  qLevel1: ['Nivel 1', 'Level 1'],
  qLevel2: ['Nivel 2', 'Level 2'],
  qAll: ['Todos abiertos', 'All open'],
  search: ['Buscar', 'Search'],
  searchPlaceholder: ['Asunto o descripción', 'Subject or description'],
  priority: ['Prioridad', 'Priority'],
  status: ['Estado', 'Status'],
  customer: ['Cliente', 'Customer'],
  any: ['Cualquiera', 'Any'],
  number: ['Nº', 'No.'],
  subject: ['Asunto', 'Subject'],
  level: ['Nivel', 'Level'],
  assignee: ['Asignado a', 'Assignee'],
  nextDue: ['Próximo vencimiento (tiempo del reloj)', 'Next due (clock time)'],
  cdOutsideHours: ['fuera de horario', 'outside hours'],
  cdStatus: ['detenido', 'stopped'],
  cdBusiness: [
    'Tiempo hábil del calendario de la política (se detiene fuera de horario y en espera del cliente)',
    "Business time on the policy's calendar (stops outside hours and while awaiting the customer)",
  ],
  cdCalendar: ['Tiempo natural', 'Calendar time'],
  cdProjected: ['Próximo vencimiento según la proyección', 'Next due according to the projection'],
  customerSearchPlaceholder: ['Nombre o id del cliente', 'Customer name or id'],
  customerSearchHint: [
    'Escribe parte del nombre o del id y elige con las flechas e Intro.',
    'Type part of the name or id, then pick with the arrow keys and Enter.',
  ],
  results: ['resultados', 'results'],
  noResults: ['Sin resultados', 'No results'],
  noTickets: ['No hay tickets en esta cola.', 'No tickets in this queue.'],
  more: ['Más resultados', 'More results'],
  refreshed: ['Actualizado', 'Updated'],
  overdue: ['vencido hace', 'overdue by'],
  // statuses
  rs_information_not_received: ['No se recibió la información pedida', 'Requested information not received'],
  rs_validation_elapsed: ['Venció el plazo de validación', 'Validation window elapsed'],
  rs_confirmed: ['Confirmado por el cliente', 'Confirmed by the customer'],
  rs_level1_budget_elapsed: ['Agotado el tiempo de análisis en nivel 1', 'Level-1 analysis time used up'],
  rs_no_customer_follow_up: ['Sin seguimiento del cliente', 'No follow-up from the customer'],
  st_open: ['Abierto', 'Open'],
  st_awaiting_customer: ['Esperando al cliente', 'Awaiting customer'],
  st_resolved: ['Resuelto', 'Resolved'],
  st_closed: ['Cerrado', 'Closed'],
  pr_critical: ['Crítica', 'Critical'],
  pr_high: ['Alta', 'High'],
  pr_medium: ['Media', 'Medium'],
  pr_low: ['Baja', 'Low'],
  actor_customer: ['cliente', 'customer'],
  actor_agent: ['agente', 'agent'],
  actor_system: ['sistema', 'system'],
  actor_integration: ['integración', 'integration'],
  // ticket
  ticket: ['Ticket', 'Ticket'],
  back: ['Volver a las colas', 'Back to queues'],
  conversation: ['Conversación y notas', 'Conversation and notes'],
  timeline: ['Línea de tiempo', 'Timeline'],
  clocks: ['Relojes SLA', 'SLA clocks'],
  actions: ['Acciones', 'Actions'],
  yourZone: ['Tu zona', 'Your zone'],
  customerZone: ['Zona del cliente', "Customer's zone"],
  internalNote: ['Nota interna', 'Internal note'],
  workflowLink: ['Ver el workflow en Temporal UI', 'Open the workflow in the Temporal UI'],
  requester: ['Solicitante', 'Requester'],
  channel: ['Canal', 'Channel'],
  type: ['Tipo', 'Type'],
  category: ['Categoría', 'Category'],
  description: ['Descripción', 'Description'],
  counted: ['Contado', 'Counted'],
  target: ['Objetivo', 'Target'],
  leftBusiness: ['Restante (tiempo del reloj)', 'Left (clock time)'],
  detail: ['Detalle', 'Detail'],
  due: ['Vence', 'Due'],
  met: ['Cumplido', 'Met'],
  running: ['En marcha', 'Running'],
  paused: ['Detenido', 'Stopped'],
  breached: ['Incumplido', 'Breached'],
  needsAttention: [
    'Requiere atención: la proyección de este ticket falla y puede ir atrasada; el workflow sigue aceptando acciones y reintenta.',
    "Needs attention: this ticket's projection keeps failing and may lag behind; the workflow still takes actions and retries.",
  ],
  noClocks: ['Sin relojes en marcha.', 'No clocks.'],
  liveUnavailable: [
    'El workflow no responde ahora; se muestran datos de la proyección.',
    'The workflow does not answer now; showing projected data.',
  ],
  aReply: ['Responder', 'Reply'],
  aNote: ['Nota interna', 'Internal note'],
  aRequestInfo: ['Pedir información', 'Request info'],
  aResolve: ['Resolver', 'Resolve'],
  aEscalate: ['Escalar', 'Escalate'],
  aAssign: ['Asignar', 'Assign'],
  aPriority: ['Prioridad', 'Priority'],
  aReopen: ['Reabrir', 'Reopen'],
  aComplaint: ['Registrar queja', 'Record complaint'],
  complaintText: ['Queja del cliente', "Customer's complaint"],
  complainant: ['Quién se queja (email o nombre)', 'Who complains (email or name)'],
  requestedBy: ['Lo pide (email o nombre)', 'Requested by (email or name)'],
  aClose: ['Cerrar', 'Close'],
  aConfirm: ['Confirmar solución', 'Confirm solution'],
  message: ['Mensaje', 'Message'],
  solution: ['Solución', 'Solution'],
  reason: ['Motivo', 'Reason'],
  send: ['Enviar', 'Send'],
  cancel: ['Cancelar', 'Cancel'],
  done: ['Hecho', 'Done'],
  refused: ['Rechazado', 'Refused'],
  alsoOpenBy: ['También lo tiene abierto', 'Also open by'],
  staleTitle: ['El ticket cambió mientras escribía', 'The ticket changed while you were writing'],
  staleHint: [
    'Revise los cambios. Puede enviar igualmente lo que escribió o descartarlo.',
    'Review the changes. You can send what you wrote anyway, or discard it.',
  ],
  sendAnyway: ['Enviar igualmente', 'Send anyway'],
  discard: ['Descartar', 'Discard'],
  rule: ['Regla', 'Rule'],
  // notifications in the timeline
  notification: ['Notificación', 'Notification'],
  recipient: ['Destinatario', 'Recipient'],
  ch_email: ['correo', 'email'],
  ch_phone: ['teléfono', 'phone'],
  ch_portal: ['portal', 'portal'],
  ch_oncall_phone: ['guardia telefónica', 'on-call phone'],
  ch_chat: ['chat', 'chat'],
  ch_whatsapp: ['WhatsApp', 'WhatsApp'],
  ch_api: ['integración (API)', 'integration (API)'],
  rule_reopen: ['reapertura', 'reopening'],
  rule_validation: ['validación de la solución', 'validation of the solution'],
  rule_status: ['estado del ticket', 'ticket status'],
  rule_infoWait: ['espera de información', 'waiting for information'],
  rule_escalation: ['escalado', 'escalation'],
  rule_assign: ['asignación', 'assignment'],
  rule_priority: ['prioridad', 'priority'],
  rule_ticket: ['versión del ticket', 'ticket version'],
  rule_entitlement: ['derecho a soporte', 'entitlement'],
  rule_channels: ['canales de atención', 'support channels'],
  rule_plans: ['plan y cuota', 'plan and quota'],
  rule_policy: ['política de soporte', 'support policy'],
  ch_webhook: ['webhook', 'webhook'],
  ns_pending: ['Pendiente', 'Pending'],
  ns_delivered: ['Entregada', 'Delivered'],
  ns_failed: ['Fallida', 'Failed'],
  attempts: ['intentos', 'attempts'],
  nextAttempt: ['próximo intento', 'next attempt'],
  deliveredOn: ['entregada el', 'delivered'],
  tpl_ticket_created: ['Confirmación de alta', 'Ticket confirmation'],
  tpl_agent_reply: ['Respuesta del agente', 'Agent reply'],
  tpl_info_requested: ['Solicitud de información', 'Information request'],
  tpl_info_reminder: ['Recordatorio de información', 'Information reminder'],
  tpl_auto_closed: ['Aviso de cierre automático', 'Automatic close notice'],
  tpl_ticket_reopened: ['Aviso de reapertura', 'Reopened notice'],
  tpl_ticket_resolved: ['Aviso de solución', 'Resolution notice'],
  tpl_resolution_final: ['Solución definitiva', 'Resolution final'],
  tpl_ticket_closed: ['Aviso de cierre', 'Closed notice'],
  tpl_priority_lowered: ['Prioridad reducida', 'Priority lowered'],
  tpl_ticket_escalated: ['Aviso de escalado', 'Escalation notice'],
  tpl_customer_reply_received: [
    'Aviso al responsable: mensaje del cliente',
    'Assignee notice: customer message',
  ],
  tpl_complaint_received: ['Queja a la matriz de escalamiento', 'Complaint to the escalation matrix'],
  tpl_sla_warning: ['Aviso de SLA', 'SLA warning'],
  tpl_sla_breach: ['SLA incumplido', 'SLA breach'],
  tpl_staff_assigned: ['Aviso de asignación al agente', 'Assignment notice to the agent'],
  tpl_staff_customer_reply: [
    'Aviso al agente: respondió el cliente',
    'Notice to the agent: customer replied',
  ],
  tpl_ticket_event: ['Evento (webhook)', 'Event (webhook)'],
  // intake
  intakeTitle: ['Alta de ticket por teléfono', 'Phone ticket intake'],
  intakeHint: [
    'Registra un ticket en nombre de quien llama. Antes de enviar se comprueba el derecho y la cuota.',
    'Create a ticket on behalf of the caller. Entitlement and quota are checked before you submit.',
  ],
  pickCustomer: ['Elige un cliente', 'Pick a customer'],
  callerName: ['Nombre de quien llama', "Caller's name"],
  callerEmail: ['Correo de quien llama (opcional)', "Caller's email (optional)"],
  company: ['Empresa', 'Company'],
  phone: ['Teléfono de contacto', 'Contact phone'],
  productVersion: ['Versión del producto', 'Product version'],
  module: ['Módulo', 'Module'],
  selfHelp: ['Consultó la ayuda en línea', 'Consulted self-help'],
  check: ['Comprobar derecho y cuota', 'Check entitlement and quota'],
  create: ['Crear ticket', 'Create ticket'],
  accepted: ['Se puede registrar', 'Can be created'],
  notAccepted: ['No se puede registrar', 'Cannot be created'],
  quota: ['Cuota', 'Quota'],
  quotaExempt: ['Categoría exenta: no consume cuota', 'Exempt category: consumes no quota'],
  quotaUnlimited: [
    'Plan sin límite de tickets: no consume cuota',
    'Plan without a ticket limit: consumes no quota',
  ],
  quotaPlan: ['Consume un ticket del plan', 'Uses one ticket of plan'],
  quotaPack: ['Consume un ticket del paquete', 'Uses one ticket of pack'],
  leftAfter: ['quedan después', 'left after'],
  created: ['Ticket creado', 'Ticket created'],
  open: ['Abrir', 'Open'],
  // customers
  customers: ['Clientes', 'Customers'],
  contracts: ['Contratos', 'Contracts'],
  plan: ['Plan', 'Plan'],
  period: ['Periodo', 'Period'],
  quotaUsed: ['Cuota usada', 'Quota used'],
  quotaLeft: ['Cuota restante', 'Quota left'],
  unlimited: ['ilimitada', 'unlimited'],
  packs: ['Paquetes adicionales', 'Add-on packs'],
  expires: ['Caduca', 'Expires'],
  expired: ['caducado', 'expired'],
  policy: ['Política', 'Policy'],
  noContracts: ['Sin contratos.', 'No contracts.'],
  // policies
  versions: ['Versiones', 'Versions'],
  active: ['Activa', 'Active'],
  activate: ['Activar', 'Activate'],
  name: ['Nombre', 'Name'],
  version: ['Versión', 'Version'],
  createdAt: ['Creada', 'Created'],
  preview: ['Vista previa del SLA', 'SLA preview'],
  previewHint: [
    'Vencimientos de un ticket borrador bajo esta versión.',
    'Due instants of a draft ticket under this version.',
  ],
  start: ['Inicio', 'Start'],
  calculate: ['Calcular', 'Calculate'],
  noPlan: ['Sin plan', 'No plan'],
  // reports
  report: ['Informe de cumplimiento SLA', 'SLA compliance report'],
  groupBy: ['Agrupar por', 'Group by'],
  by_priority: ['Prioridad', 'Priority'],
  by_plan: ['Plan', 'Plan'],
  by_customer: ['Cliente', 'Customer'],
  by_month: ['Mes', 'Month'],
  tickets: ['Tickets', 'Tickets'],
  compliance: ['Cumplimiento', 'Compliance'],
  breachedCount: ['Incumplidos', 'Breached'],
  noData: ['Sin datos todavía.', 'No data yet.'],
  chartTitle: ['Cumplimiento por grupo (%)', 'Compliance by group (%)'],
  // metrics
  m_firstResponse: ['Primera respuesta', 'First response'],
  m_nextUpdate: ['Siguiente actualización', 'Next update'],
  m_resolution: ['Resolución', 'Resolution'],
  m_level1: ['Análisis en nivel 1', 'Level-1 analysis'],
  // help
  shortcuts: ['Atajos de teclado', 'Keyboard shortcuts'],
  k_r: ['Responder', 'Reply'],
  k_n: ['Nota interna', 'Internal note'],
  k_i: ['Pedir información', 'Request info'],
  k_e: ['Escalar', 'Escalate'],
  k_s: ['Resolver', 'Resolve'],
  k_slash: ['Buscar', 'Search'],
  k_help: ['Esta ayuda', 'This help'],
  k_g: [
    'g luego q/n/c/p/s: ir a colas, alta, clientes, políticas, SLA',
    'g then q/n/c/p/s: go to queues, intake, customers, policies, SLA',
  ],
  close: ['Cerrar', 'Close'],
} satisfies Record<string, [string, string]>;

/** A text key. */
export type TextKey = keyof typeof texts;

/** The text for a key in the current language. */
export function t(key: TextKey): string {
  return texts[key][current === 'es' ? 0 : 1];
}

/** The text for a dynamic key (`st_open`, `pr_high`, ...), or the raw value when unknown. */
export function tv(prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  return key in texts ? t(key as TextKey) : value;
}

/** A status or priority by its name (`awaiting_customer` → "Esperando al cliente"); other values as they are. */
export function codeName(value: string): string {
  for (const prefix of ['st_', 'pr_']) if (`${prefix}${value}` in texts) return tv(prefix, value);
  return value;
}

/** The name of the policy rule a refusal cites (`infoWait.expireAfter` → "espera de información"), never its code. */
export function ruleName(rule: string): string {
  const head = rule.split('.')[0] ?? '';
  return `rule_${head}` in texts ? tv('rule_', head) : t('rule_policy');
}

/** Timeline event names. */
const events: Record<string, [string, string]> = {
  created: ['Ticket creado', 'Ticket created'],
  customer_reply: ['Respuesta del cliente', 'Customer reply'],
  agent_reply: ['Respuesta del agente', 'Agent reply'],
  internal_note: ['Nota interna', 'Internal note'],
  info_requested: ['Información solicitada', 'Information requested'],
  info_received: ['Información recibida', 'Information received'],
  info_reminder: ['Recordatorio al cliente', 'Reminder to the customer'],
  auto_closed: ['Cierre automático', 'Closed automatically'],
  closed: ['Cerrado', 'Closed'],
  reopened: ['Reabierto', 'Reopened'],
  resolved: ['Resuelto', 'Resolved'],
  confirmed: ['Solución confirmada', 'Solution confirmed'],
  resolution_final: ['Resolución definitiva', 'Resolution final'],
  escalated: ['Escalado', 'Escalated'],
  complaint: ['Queja del cliente', 'Customer complaint'],
  assigned: ['Asignado', 'Assigned'],
  priority_changed: ['Prioridad cambiada', 'Priority changed'],
  sla_warning: ['Aviso de SLA', 'SLA warning'],
  sla_breached: ['SLA incumplido', 'SLA breached'],
  integration_event: ['Evento de integración', 'Integration event'],
  reopen_window_elapsed: ['Fin del plazo de reapertura', 'Reopen window elapsed'],
};

/** The name of a timeline event type. */
export function eventName(type: string): string {
  const entry = events[type];
  return entry ? entry[current === 'es' ? 0 : 1] : type.replace(/_/g, ' ');
}
