/**
 * Structured logs: one JSON object per line (`time`, `level`, the bindings, `msg`,
 * the fields), filtered by level. Written by pino to an asynchronous stdout
 * destination, so a request never waits for the terminal or the pipe; a process
 * flushes the logger before it calls process.exit, which would drop the buffer.
 */
import { pino } from 'pino';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
  /** Writes out what is buffered, synchronously: call it before process.exit, which would drop it. */
  flush(): void;
}

function wrap(p: pino.Logger, flush: () => void): Logger {
  const at = (level: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (fields) p[level](fields, msg);
    else p[level](msg);
  };
  return {
    debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => wrap(p.child(fields), flush), flush,
  };
}

/** `sink` receives each line (tests collect them); without it, lines go to stdout. */
export function createLogger(level: Level = 'info', bindings: Record<string, unknown> = {}, sink?: (line: string) => void, opts: { sync?: boolean } = {}): Logger {
  // A cluster's primary serves no requests and logs little, mostly right before it exits: it writes synchronously.
  const destination = sink ? undefined : pino.destination({ dest: 1, sync: opts.sync === true });
  const flush = () => {
    try {
      destination?.flushSync();
    } catch {
      // stdout closed or not writable now: nothing more can be done for these lines
    }
  };
  return wrap(pino(
    {
      level,
      base: bindings,
      messageKey: 'msg',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? { write: sink as (line: string) => void },
  ), flush);
}
