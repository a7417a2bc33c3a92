// Writer ids: part of every WARC file name, so that a `.open` file left by a crash can be traced to
// the process that wrote it. `<pid>-<hostTag>-<random>`: the pid says whether that process still
// runs, the host tag says whether the pid means anything here (pids are per host, and per pid
// namespace), the random part tells apart two processes that had the same pid (a restarted
// container's worker is pid 1 again).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

const WRITER_ID = /^(\d{1,10})-([0-9a-f]{8})-[0-9a-f]{6}$/;

/**
 * 8 hex digits of a hash of the host name and machine id: the same on every start of a host (or
 * of a container keeping its host name), different between hosts, and not the host name itself:
 * archives travel, the crawler's location should not.
 */
export function warcHostTag(): string {
  let machineId = '';
  try {
    machineId = readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // Not every system (or container image) has one; the host name alone still tells hosts apart.
  }
  return createHash('sha256').update(`vigie-warc-host\0${hostname()}\0${machineId}`).digest('hex').slice(0, 8);
}

/** A new writer id for this process. */
export function newWarcWriterId(hostTag: string = warcHostTag()): string {
  return `${process.pid}-${hostTag}-${randomBytes(3).toString('hex')}`;
}

/** The pid and host of a writer id made by newWarcWriterId(); null for any other id. */
export function parseWarcWriterId(writerId: string): { pid: number; hostTag: string } | null {
  const match = WRITER_ID.exec(writerId);
  if (!match) return null;
  return { pid: Number(match[1]), hostTag: match[2]! };
}
