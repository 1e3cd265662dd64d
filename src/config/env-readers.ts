import { GatewayError } from '../errors.js';

/**
 * Typed readers over an environment map. Every failure names the variable and the bad value, so a
 * misconfigured deployment fails at start-up with a message an operator can act on.
 */
export type Env = Readonly<Record<string, string | undefined>>;

function invalid(name: string, value: string, expected: string): GatewayError {
  return new GatewayError('CONFIG_INVALID', `${name}=${JSON.stringify(value)} is invalid: expected ${expected}`, {
    details: { variable: name },
  });
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readInteger(env: Env, name: string, fallback: number, range: { min?: number; max?: number } = {}): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw invalid(name, value, `an integer between ${min} and ${max}`);
  }
  return Number(value);
}

export function readPort(env: Env, name: string, fallback: number): number {
  return readInteger(env, name, fallback, { min: 1, max: 65_535 });
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw invalid(name, value, 'true or false');
}

export function readChoice<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw invalid(name, value, `one of ${choices.join(', ')}`);
  return value as T;
}

/** A URL with one of the allowed protocols and a host; returns it normalized. */
export function readUrl(env: Env, name: string, fallback: string, protocols: readonly string[]): string {
  const value = raw(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(name, redactUrl(value), `a URL such as ${protocols[0]}//host:port`);
  }
  if (!protocols.includes(url.protocol) || url.hostname === '') {
    throw invalid(name, redactUrl(value), `a URL with protocol ${protocols.join(' or ')} and a host`);
  }
  return value;
}

/** Comma-separated host:port list (Kafka brokers). */
export function readHostPortList(env: Env, name: string, fallback: string): string[] {
  const value = raw(env, name) ?? fallback;
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    const match = /^([A-Za-z0-9.\-_]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(item);
    if (match === null || Number(match[2]) < 1 || Number(match[2]) > 65_535) {
      throw invalid(name, value, 'a comma-separated list of host:port');
    }
  }
  if (items.length === 0) throw invalid(name, value, 'at least one host:port');
  return items;
}

/** Never print credentials: used in error messages and logs. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^/@:]*):([^/@]*)@/, '//$1:***@');
}
