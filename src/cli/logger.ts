// The server's log: one line per event, `<ISO time> <level> <message> <key=value …>`, on
// stderr so stdout stays for what a user acts on (the endpoint, first-start credentials).
// Callers pass only facts that are safe to keep: ids, names, counts, reasons. Never secrets,
// plaintext, request bodies or key material — and errors are reduced to name, message and
// stack here, so no object that might hold a request (or a Buffer) is ever serialised.
import type { KmsServerLogger } from '../server/kmsHttpHandler.js';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger extends KmsServerLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const render = (value: unknown): string => {
  if (value instanceof Error) {
    const stack = value.stack?.split('\n').slice(1, 6).map((l) => l.trim()).join(' | ');
    return JSON.stringify(`${value.name}: ${value.message}${stack ? ` | ${stack}` : ''}`);
  }
  if (typeof value === 'string') return /^[\w.:/@+-]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return JSON.stringify(typeof value);
};

export const formatLine = (level: 'info' | 'warn' | 'error', message: string, fields: LogFields = {}, now = new Date()): string =>
  [now.toISOString(), level, message, ...Object.entries(fields).map(([k, v]) => `${k}=${render(v)}`)].join(' ');

export const createLogger = (write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger => ({
  info: (message, fields) => write(formatLine('info', message, fields)),
  warn: (message, fields) => write(formatLine('warn', message, fields)),
  error: (message, fields) => write(formatLine('error', message, fields)),
});
