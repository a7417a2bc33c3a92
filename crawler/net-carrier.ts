// Which connection carried each response, so that a page's evidence names the address and the
// certificate of its own connection. Several connections to one origin are open at once (per-host
// concurrency, the renderer's forwarded requests share the pool, a host whose DNS answers vary),
// so "the origin's newest connection" can name another server than the one that answered.
//
// undici hands handlers no socket. It does publish, on diagnostics channels, the socket each
// request is written to (`undici:client:sendHeaders`) and, immediately before a request's handler
// is told of the response, that request (`undici:request:headers`): both synchronous, so when the
// interceptor's handler sees the response start, the request last published is its own. Its
// method and path are compared with the handler's own as a safeguard: on any doubt the carrier is
// unknown (null), never another connection's.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import type { ConnectionFacts } from './net-connector.ts';

export interface CarrierLedger {
  /** Records what the connector learnt about a socket when it opened it. */
  remember(socket: Socket, facts: ConnectionFacts): void;
  /**
   * For `Dispatcher.compose`: a request dispatched with an object as its `opaque` gets the facts
   * of the connection that carried its response recorded under that object.
   */
  readonly interceptor: Dispatcher.DispatcherComposeInterceptor;
  /** The facts recorded for `opaque` once its response headers arrived, else null. */
  factsFor(opaque: object): ConnectionFacts | null;
  /** Stops listening to undici's channels. */
  close(): void;
}

/** The fields of undici's internal request that the channels carry and this file reads. */
interface ChannelRequest {
  method?: string;
  path?: string;
}

const SEND_HEADERS = 'undici:client:sendHeaders';
const RESPONSE_HEADERS = 'undici:request:headers';

export function createCarrierLedger(): CarrierLedger {
  const factsBySocket = new WeakMap<Socket, ConnectionFacts>();
  const socketByRequest = new WeakMap<object, Socket>();
  const factsByOpaque = new WeakMap<object, ConnectionFacts>();
  let responding: ChannelRequest | null = null;

  const onSendHeaders = (message: unknown): void => {
    const { request, socket } = message as { request: object; socket: Socket };
    // A request retried on another connection is published again: the last socket is the carrier.
    socketByRequest.set(request, socket);
  };
  const onResponseHeaders = (message: unknown): void => {
    responding = (message as { request: ChannelRequest }).request;
  };
  diagnosticsChannel.subscribe(SEND_HEADERS, onSendHeaders);
  diagnosticsChannel.subscribe(RESPONSE_HEADERS, onResponseHeaders);

  /** Called as the response of the request dispatched with `opts` starts. */
  function recordCarrier(opts: Dispatcher.DispatchOptions, opaque: object): void {
    const request = responding;
    responding = null;
    const socket = request && request.method === opts.method && request.path === opts.path ? socketByRequest.get(request) : undefined;
    const facts = socket && factsBySocket.get(socket);
    if (facts) factsByOpaque.set(opaque, facts);
    else factsByOpaque.delete(opaque);
  }

  return {
    remember(socket, facts) {
      factsBySocket.set(socket, facts);
    },
    interceptor: (dispatch) => (opts, handler) => {
      const { opaque } = opts as { opaque?: unknown };
      if (typeof opaque !== 'object' || opaque === null) return dispatch(opts, handler);
      return dispatch(opts, recordingHandler(handler, () => recordCarrier(opts, opaque)));
    },
    factsFor(opaque) {
      return factsByOpaque.get(opaque) ?? null;
    },
    close() {
      diagnosticsChannel.unsubscribe(SEND_HEADERS, onSendHeaders);
      diagnosticsChannel.unsubscribe(RESPONSE_HEADERS, onResponseHeaders);
    },
  };
}

/** `handler` unchanged, but `onResponseStart` first runs `onStart` (1xx answers included). */
function recordingHandler(handler: Dispatcher.DispatchHandler, onStart: () => void): Dispatcher.DispatchHandler {
  return {
    onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
    onRequestUpgrade: (controller, statusCode, headers, socket) => handler.onRequestUpgrade?.(controller, statusCode, headers, socket),
    onResponseStart: (controller, statusCode, headers, statusMessage) => {
      onStart();
      handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
    },
    onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
    onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
    onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
  };
}
