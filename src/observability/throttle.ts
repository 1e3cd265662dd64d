/**
 * A function that runs `action` at most once per `intervalMs`, dropping the calls between. An outage
 * of Redis produces an error per reconnect attempt; one log line a second says the same.
 */
export function throttled<Args extends unknown[]>(
  intervalMs: number,
  action: (...args: Args) => void,
  now: () => number = Date.now,
): (...args: Args) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (...args) => {
    const at = now();
    if (at - last < intervalMs) return;
    last = at;
    action(...args);
  };
}
