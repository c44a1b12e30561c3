/**
 * Public API of the pure domain core: policy documents, business calendars and business-time
 * arithmetic, SLA due instants with explanations, and intake decisions. See domain/README.md.
 */
export * from './policy/schema';
export * from './policy/load';
export * from './policy/registry';
export * from './policy/duration';
export * from './policy/rules';
export * from './policy/diff';
export * from './contract';
export {
  isValidZone,
  formatLocal,
  zoneOffsetMs,
  localToUtc,
  localDayOf,
  toLocal,
  type LocalDateTime,
} from './calendar/zone';
export * from './calendar/expand';
export * from './calendar/business-time';
export * from './calendar/deadlines';
export * from './calendar/describe';
export * from './sla';
export * from './clock-reading';
export * from './intake';
export * from './quota';
export * from './text';
export * from './i18n';
export * from './lifecycle/index';
export * from './canned-reply';
