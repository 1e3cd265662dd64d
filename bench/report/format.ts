/** A figure for a report cell: `digits` decimals, '–' when there is none. */
export const fixed = (value: number | null | undefined, digits = 0): string =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
