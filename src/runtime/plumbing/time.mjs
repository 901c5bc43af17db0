// @ts-check
// Times as kubectl, the engines and the recordings write them (ISO 8601 text), read in one place:
// a missing or unparsable time is null, never NaN, so every caller says what null means for it.

/**
 * Milliseconds since the epoch, or null.
 * @param {string | null | undefined} t
 */
export function epochMs(t) {
  if (!t) return null;
  const v = Date.parse(t);
  return Number.isNaN(v) ? null : v;
}

/**
 * The same instant in one spelling (`2025-01-01T10:00:05.000Z`), or null.
 * @param {string | null | undefined} t
 */
export function isoTime(t) {
  const v = epochMs(t);
  return v === null ? null : new Date(v).toISOString();
}
