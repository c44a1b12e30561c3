const DAY_MS = 86_400_000;

/** Calendar windows cover this far ahead; workflows refresh them when less than 30 days are left. */
export const WINDOW_HORIZON_MS = 120 * DAY_MS;
