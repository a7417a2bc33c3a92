// Building blocks for opening one connection in steps (TCP, a proxy handshake, TLS) under a single
// deadline: every socket made along the way is tracked and destroyed if any step fails or the
// deadline passes, and handshake replies are read in paused mode so nothing meant for the next
// layer is consumed.
import net from 'node:net';
import tls from 'node:tls';

/** One connection attempt: its abort signal, and the sockets to destroy should it fail. */
export interface ConnectAttempt {
  readonly signal: AbortSignal;
  /** Registers a socket for clean-up; destroys it and throws if the attempt is already over. */
  track<S extends net.Socket>(socket: S): S;
}

/**
 * Runs `task` under `timeoutMs`. When the deadline passes the attempt is aborted with
 * `timeoutError()`; whenever it fails, every tracked socket is destroyed.
 */
export async function attemptConnect<T>(
  timeoutMs: number,
  timeoutError: () => Error,
  task: (attempt: ConnectAttempt) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const sockets = new Set<net.Socket>();
  const timer = setTimeout(() => controller.abort(timeoutError()), timeoutMs);
  const aborted = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
  });
  aborted.catch(noop);
  const attempt: ConnectAttempt = {
    signal: controller.signal,
    track(socket) {
      sockets.add(socket);
      if (controller.signal.aborted) {
        discard(socket);
        throw controller.signal.reason as Error;
      }
      return socket;
    },
  };
  try {
    return await Promise.race([task(attempt), aborted]);
  } catch (err) {
    // Stops whatever the task still has in flight (a resolution that answers late) from going on.
    if (!controller.signal.aborted) controller.abort(err);
    for (const socket of sockets) discard(socket);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** A TCP connection; rejects with the socket's own error (ECONNREFUSED...) so callers can map it. */
export function connectTcp(options: net.NetConnectOpts, attempt: ConnectAttempt): Promise<net.Socket> {
  const socket = attempt.track(net.connect(options));
  return settleOn(socket, 'connect', attempt.signal).then(() => {
    socket.setNoDelay(true);
    return socket;
  });
}

/** TLS over an already open stream (direct or tunnelled); resolves once the handshake is done. */
export async function startTls(raw: net.Socket, options: tls.ConnectionOptions, attempt: ConnectAttempt): Promise<tls.TLSSocket> {
  const secure = attempt.track(tls.connect({ ...options, socket: raw }));
  await settleOn(secure, 'secureConnect', attempt.signal);
  return secure;
}

/** Exactly `size` bytes; rejects when the peer closes first. */
export async function readExactly(socket: net.Socket, size: number, signal: AbortSignal): Promise<Buffer> {
  for (;;) {
    const chunk = socket.read(size) as Buffer | null;
    if (chunk !== null) {
      if (chunk.length < size) throw closedEarly();
      return chunk;
    }
    await nextReadable(socket, signal);
  }
}

/**
 * Bytes up to and including the first blank line (an HTTP response head), at most `maxBytes`.
 * Anything after it is put back on the socket.
 */
export async function readHead(socket: net.Socket, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  let head = Buffer.alloc(0);
  for (;;) {
    const chunk = socket.read() as Buffer | null;
    if (chunk !== null) {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end !== -1) {
        const rest = head.subarray(end + 4);
        if (rest.length > 0) socket.unshift(rest);
        return head.subarray(0, end + 4);
      }
      if (head.length > maxBytes) throw new Error(`response head longer than ${maxBytes} bytes`);
      continue;
    }
    await nextReadable(socket, signal);
  }
}

function nextReadable(socket: net.Socket, signal: AbortSignal): Promise<void> {
  if (socket.readableEnded || socket.destroyed) return Promise.reject(closedEarly());
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      socket.removeListener('readable', onReadable);
      socket.removeListener('end', onReadable);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onReadable = (): void => done();
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(closedEarly());
    const onAbort = (): void => done(signal.reason as Error);
    socket.once('readable', onReadable);
    socket.once('end', onReadable);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Resolves on `event`; rejects on the socket's error, its close, or the attempt's abort. */
function settleOn(socket: net.Socket, event: 'connect' | 'secureConnect', signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      socket.removeListener(event, onEvent);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onEvent = (): void => done();
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(closedEarly());
    const onAbort = (): void => done(signal.reason as Error);
    socket.once(event, onEvent);
    socket.once('error', onError);
    socket.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function closedEarly(): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error('connection closed by the peer');
  err.code = 'ECONNRESET';
  return err;
}

/** Destroys a socket given up on; a late error from it must not become an uncaught exception. */
export function discard(socket: net.Socket): void {
  socket.on('error', noop);
  socket.destroy();
}

function noop(): void {}
