/** Structured logs: one JSON object per line on stdout. Callers pass no secrets; nothing here adds any. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Loggers with lines waiting, written out when the process exits (however it got there). */
const waiting = new Set<() => void>();
let exitHook = false;

/**
 * Lines logged in one turn of the event loop go out in one write at its end: stdout on a pipe is
 * written synchronously, one system call per write, and one per request line was a sixth of a
 * kept availability read's CPU. Order is kept; an error line goes out at once with what waited
 * before it; whatever waits is written on exit.
 */
export function jsonLogger(write: (text: string) => void = (l) => process.stdout.write(l)): Logger {
  let pending: string[] = [];
  const flush = () => {
    waiting.delete(flush);
    if (!pending.length) return;
    const text = pending.join('');
    pending = [];
    write(text);
  };
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const f of [...waiting]) f();
    });
  }
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) => {
    pending.push(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }) + '\n');
    if (level === 'error') return flush();
    if (!waiting.has(flush)) {
      waiting.add(flush);
      setImmediate(flush);
    }
  };
  return { info: (m, f) => emit('info', m, f), error: (m, f) => emit('error', m, f) };
}

export const silentLogger: Logger = { info() {}, error() {} };
