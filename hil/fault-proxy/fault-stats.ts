/**
 * What the proxy did, counted from its start: traffic, then per fault what it changed. A fault
 * matrix reads these to tell "the fault was applied and the controller coped" from "the fault never
 * touched the traffic" (a controller that happened not to poll during the window).
 */
export interface FaultProxyStats {
  /** Client connections accepted (TCP; stays 0 on RTU). */
  connections: number;
  /** Request frames received from the client. */
  requests: number;
  /** Requests passed on to the server. */
  forwarded: number;
  /** Reply frames received from the server. */
  serverReplies: number;
  /** Frames sent to the client: the server's replies (possibly delayed or damaged) and the proxy's own exceptions. */
  clientReplies: number;
  /** Bytes passed through without framing (not a Modbus TCP header, or an RTU frame cut short by silence). */
  unframedBytes: number;
  /** `drop`: client connections closed (TCP), frames swallowed in either direction (both transports). */
  drop: { connectionsClosed: number; framesSwallowed: number };
  /** `delay`: replies held back, and their added delays summed, ms. */
  delay: { replies: number; totalAddedMs: number };
  /** `drop-replies`: replies lost and replies let through while the fault was active. */
  dropReplies: { dropped: number; passed: number };
  /** `corrupt`: replies damaged (RTU: CRC flipped; TCP: truncated). */
  corrupt: { replies: number };
  /** `exception`: requests the proxy answered itself with an exception. */
  exception: { replies: number };
}

/** All counters at zero. */
export function emptyFaultProxyStats(): FaultProxyStats {
  return {
    connections: 0,
    requests: 0,
    forwarded: 0,
    serverReplies: 0,
    clientReplies: 0,
    unframedBytes: 0,
    drop: { connectionsClosed: 0, framesSwallowed: 0 },
    delay: { replies: 0, totalAddedMs: 0 },
    dropReplies: { dropped: 0, passed: 0 },
    corrupt: { replies: 0 },
    exception: { replies: 0 },
  };
}

/** A deep copy, so a caller's snapshot does not move on. */
export function copyFaultProxyStats(s: FaultProxyStats): FaultProxyStats {
  return {
    ...s,
    drop: { ...s.drop },
    delay: { ...s.delay },
    dropReplies: { ...s.dropReplies },
    corrupt: { ...s.corrupt },
    exception: { ...s.exception },
  };
}

/**
 * One line for a person: traffic, then only the faults that did something.
 * Example: "12 requests, 11 forwarded, 10 replies to the client; drop-replies: 1 dropped, 3 passed".
 */
export function toStatsLine(s: FaultProxyStats): string {
  const parts = [`${s.connections > 0 ? `${s.connections} connections, ` : ""}${s.requests} requests, ${s.forwarded} forwarded, ${s.clientReplies} replies to the client`];
  if (s.drop.connectionsClosed + s.drop.framesSwallowed > 0) parts.push(`drop: ${s.drop.connectionsClosed} connections closed, ${s.drop.framesSwallowed} frames swallowed`);
  if (s.delay.replies > 0) parts.push(`delay: ${s.delay.replies} replies delayed by ${Math.round(s.delay.totalAddedMs)} ms in all`);
  if (s.dropReplies.dropped + s.dropReplies.passed > 0) parts.push(`drop-replies: ${s.dropReplies.dropped} dropped, ${s.dropReplies.passed} passed`);
  if (s.corrupt.replies > 0) parts.push(`corrupt: ${s.corrupt.replies} replies damaged`);
  if (s.exception.replies > 0) parts.push(`exception: ${s.exception.replies} requests answered with an exception`);
  if (s.unframedBytes > 0) parts.push(`${s.unframedBytes} bytes passed unframed`);
  return parts.join("; ");
}
