/** Texts of the manager screens (customers, contracts, add-on packs, quota use), in Spanish and English. */
import { lang } from './i18n';

const texts = {
  quotaLink: ['Uso de cupo de todos los clientes', 'Quota use of every customer'],
  editCustomer: ['Datos del cliente', 'Customer details'],
  name: ['Nombre', 'Name'],
  country: ['País', 'Country'],
  noCountry: ['(sin país)', '(no country)'],
  language: ['Idioma', 'Language'],
  langEs: ['Español', 'Spanish'],
  langEn: ['Inglés', 'English'],
  timeZone: ['Zona horaria', 'Time zone'],
  noZone: ['(sin zona)', '(no zone)'],
  localTime: ['Hora local del cliente', "Customer's local time"],
  save: ['Guardar', 'Save'],
  saved: ['Cambios guardados.', 'Changes saved.'],
  readOnly: [
    'Solo supervisores y administradores pueden cambiar clientes y contratos.',
    'Only supervisors and administrators may change customers and contracts.',
  ],
  contract: ['Contrato', 'Contract'],
  term_monthly: ['contrato mensual', 'monthly contract'],
  term_yearly: ['contrato anual', 'yearly contract'],
  resets_month: ['cupo mensual', 'monthly quota'],
  resets_year: ['cupo anual', 'yearly quota'],
  termAndQuota: ['Duración y cupo', 'Term and quota'],
  includedPerPeriod: ['Tickets incluidos por período', 'Tickets included per period'],
  currentPeriod: ['Período de cupo actual', 'Current quota period'],
  editContract: ['Editar contrato', 'Edit contract'],
  plan: ['Plan', 'Plan'],
  term: ['Duración del contrato', 'Contract term'],
  termMonthly: ['Mensual', 'Monthly'],
  termYearly: ['Anual', 'Yearly'],
  startsAt: ['Comienza', 'Starts'],
  endsAt: ['Termina', 'Ends'],
  product: ['Producto', 'Product'],
  endContract: ['Terminar el contrato ahora', 'End the contract now'],
  confirmEnd: [
    'El contrato terminará ahora: no se podrán abrir tickets nuevos con él (los tickets abiertos siguen con el contrato con que se abrieron). ¿Terminarlo?',
    'The contract will end now: no new tickets can be opened under it (open tickets keep the contract they were opened under). End it?',
  ],
  requesters: ['Solicitantes autorizados', 'Authorized requesters'],
  noRequesters: ['Nadie está autorizado aún.', 'Nobody is authorized yet.'],
  requesterName: ['Nombre del solicitante', "Requester's name"],
  requesterEmail: ['Correo (con el que entra al portal)', 'Email (used to sign in to the portal)'],
  portalUser: ['Usa el portal de clientes', 'Uses the customer portal'],
  addRequester: ['Autorizar solicitante', 'Authorize requester'],
  remove: ['Quitar', 'Remove'],
  confirmRemove: [
    '¿Quitar a {name} de los solicitantes autorizados? Ya no podrá pedir soporte para este cliente.',
    'Remove {name} from the authorized requesters? They will no longer be able to ask for support for this customer.',
  ],
  licences: ['Licencias', 'Licences'],
  noLicences: ['Sin licencias registradas.', 'No licences recorded.'],
  holder: ['Titular', 'Holder'],
  trial: ['De prueba', 'Trial'],
  validUntil: ['Válida hasta', 'Valid until'],
  perpetual: ['perpetua', 'perpetual'],
  addLicence: ['Agregar licencia', 'Add licence'],
  confirmRemoveLicence: ['¿Quitar la licencia de {name}?', "Remove {name}'s licence?"],
  trainedUsers: ['Usuarios capacitados', 'Trained users'],
  noTrainedUsers: ['Nadie registrado como capacitado.', 'Nobody recorded as trained.'],
  modules: ['módulos', 'modules'],
  modulesHint: ['Módulos (separados por comas)', 'Modules (comma-separated)'],
  addTrainedUser: ['Agregar usuario capacitado', 'Add trained user'],
  confirmRemoveTrained: [
    '¿Quitar a {name} de los usuarios capacitados?',
    'Remove {name} from the trained users?',
  ],
  packs: ['Paquetes adicionales', 'Add-on packs'],
  pack: ['Paquete', 'Pack'],
  packOf: ['Paquete adicional de {n} tickets', 'Add-on pack of {n} tickets'],
  validDays: ['válido {n} días', 'valid for {n} days'],
  buyPack: ['Comprar paquete', 'Buy pack'],
  bought: ['Paquete comprado.', 'Pack bought.'],
  noPacks: ['La política del contrato no ofrece paquetes.', "The contract's policy offers no packs."],
  packBalance: ['Saldo de paquetes', 'Add-on balance'],
  ticketsLeft: ['{n} tickets disponibles', '{n} tickets left'],
  usedOf: ['{used} de {total} usados', '{used} of {total} used'],
  expires: ['Vence', 'Expires'],
  expired: ['vencido', 'expired'],
  quotaTitle: ['Uso de cupo por cliente', 'Quota use per customer'],
  customer: ['Cliente', 'Customer'],
  usedIncluded: ['Usados / incluidos este período', 'Used / included this period'],
  periodEnd: ['Fin del período', 'Period ends'],
  noQuota: ['No hay contratos.', 'There are no contracts.'],
  outsideContract: ['fuera de vigencia', 'not in force'],
  sortBy: ['Ordenar por {col}', 'Sort by {col}'],
} satisfies Record<string, [string, string]>;

/** A text key of the manager screens. */
export type ManagerTextKey = keyof typeof texts;

/** The text for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function tx(key: ManagerTextKey, vars: Record<string, string | number> = {}): string {
  const text = texts[key][lang() === 'es' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** "contrato anual, cupo mensual": the contract's term and how often its quota starts again. */
export function termAndQuota(term: string, resets: 'month' | 'year' | undefined): string {
  const termText = term === 'yearly' ? tx('term_yearly') : tx('term_monthly');
  return resets === undefined
    ? termText
    : `${termText}, ${tx(resets === 'year' ? 'resets_year' : 'resets_month')}`;
}
