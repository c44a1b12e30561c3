/** Names shown to people, in Spanish and English. */
import type { Metric, Priority, Text } from './policy/schema';

/** Display names of the SLA metrics. */
export const METRIC_NAMES: Record<Metric, Text> = {
  firstResponse: { es: 'Primera respuesta', en: 'First response' },
  nextUpdate: { es: 'Siguiente actualización', en: 'Next update' },
  resolution: { es: 'Resolución', en: 'Resolution' },
};

/** Display names of the priorities. */
export const PRIORITY_NAMES: Record<Priority, Text> = {
  low: { es: 'baja', en: 'low' },
  medium: { es: 'media', en: 'medium' },
  high: { es: 'alta', en: 'high' },
  critical: { es: 'crítica', en: 'critical' },
};
