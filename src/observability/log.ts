/**
 * Structured logs: one JSON object per line (`time`, `level`, the bindings, `msg`,
 * the fields), filtered by level. Written by pino to an asynchronous stdout
 * destination, so a request never waits for the terminal or the pipe; pino
 * flushes what is buffered when the process exits.
 */
import { pino } from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function wrap(p: pino.Logger): Logger {
  const at = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (fields) p[level](fields, msg);
    else p[level](msg);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => wrap(p.child(fields)) };
}

/** `sink` receives each line (tests collect them); without it, lines go to stdout. */
export function createLogger(level: Level = 'info', bindings: Record<string, unknown> = {}, sink?: (line: string) => void): Logger {
  return wrap(pino(
    {
      level,
      base: bindings,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    sink ? { write: sink } : pino.destination({ dest: 1, sync: false }),
  ));
}
