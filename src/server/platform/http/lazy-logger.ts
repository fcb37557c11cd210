import type { FastifyBaseLogger } from 'fastify';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
type Call = (...args: unknown[]) => void;

/**
 * The request's logger (`req.log`), made only when the request logs something. Fastify makes a
 * pino child logger for every request (bindings, redaction, level) even though most requests log
 * nothing; in the flash-sale storm that was about 2% of the server's core. This stands in for it
 * and makes the real child, with the same bindings, on first use.
 */
export class LazyChildLogger {
  private made: FastifyBaseLogger | null = null;
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Record<string, unknown>,
    private readonly opts: object,
  ) {}

  /** The real child logger (made now if it was not yet). */
  get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.opts));
  }
  /** Whether the real child has been made (for tests). */
  get isMade(): boolean {
    return this.made !== null;
  }
  get level(): string {
    return this.made ? this.made.level : this.parent.level;
  }
  set level(level: string) {
    this.real.level = level;
  }
  private call(level: Level, args: unknown[]): void {
    // Below the parent's level nothing is written: no child is needed to find that out.
    if (!this.made && !enabled(this.parent, level)) return;
    (this.real[level] as unknown as Call)(...args);
  }
  fatal(...args: unknown[]): void {
    this.call('fatal', args);
  }
  error(...args: unknown[]): void {
    this.call('error', args);
  }
  warn(...args: unknown[]): void {
    this.call('warn', args);
  }
  info(...args: unknown[]): void {
    this.call('info', args);
  }
  debug(...args: unknown[]): void {
    this.call('debug', args);
  }
  trace(...args: unknown[]): void {
    this.call('trace', args);
  }
  silent(): void {}
  isLevelEnabled(level: string): boolean {
    return enabled(this.made ?? this.parent, level);
  }
  child(bindings: Record<string, unknown>, opts?: object): FastifyBaseLogger {
    return this.real.child(bindings, opts);
  }
}

/** Fastify's `childLoggerFactory`: a lazy child per request. */
export function lazyChildLoggerFactory(logger: FastifyBaseLogger, bindings: Record<string, unknown>, opts: object): FastifyBaseLogger {
  return new LazyChildLogger(logger, bindings, opts) as unknown as FastifyBaseLogger;
}

/** pino's isLevelEnabled; a logger without it (Fastify's null logger) counts as enabled. */
function enabled(logger: FastifyBaseLogger, level: string): boolean {
  const f = (logger as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled;
  return typeof f === 'function' ? f.call(logger, level) : true;
}
