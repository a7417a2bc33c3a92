// Where workers get the rule set from: a holder whose `current()` is the rule set to use for the
// next page. The watched holder reloads the rule directory when any of its files changes; a good
// new set replaces the old one in a single assignment (a page in progress keeps the set it
// started with), a broken edit keeps the last good set and logs each problem once.
//
// Why polling file stats rather than fs.watch: editors, `sed -i`, `git checkout` and mounted
// config maps replace files (a rename), after which an fs.watch handle sees nothing more; and a
// new or deleted file must be noticed too. A stat of a dozen files every few seconds is free.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatConfigIssue } from '../../config/errors.ts';
import type { Logger } from '../../config/logger.ts';
import type { RuleSet } from './compile.ts';
import { loadRuleSet } from './load.ts';

export interface RuleSetSource {
  /** The rule set for the next piece of work; take it once per page. */
  current(): RuleSet;
}

export interface WatchedRuleSet extends RuleSetSource {
  /** Looks at the directory now (the timer does it every `intervalMs`); true when a new set was loaded. */
  check(): boolean;
  /** Successful reloads since start. */
  readonly reloads: number;
  close(): void;
}

export function fixedRuleSet(ruleSet: RuleSet): RuleSetSource {
  return { current: () => ruleSet };
}

export function isRuleSetSource(value: RuleSet | RuleSetSource): value is RuleSetSource {
  return typeof (value as Partial<RuleSetSource>).current === 'function';
}

export interface WatchOptions {
  logger: Pick<Logger, 'info' | 'error'>;
  /** Poll period; default 2 s. */
  intervalMs?: number;
  /** An already loaded set for `dir` (otherwise it is loaded now, and a broken directory throws). */
  initial?: RuleSet;
}

export const RULES_POLL_MS = 2000;

/** Loads `dir` (throwing a ConfigError when it is broken) and keeps it fresh. */
export function watchRuleSet(dir: string, options: WatchOptions): WatchedRuleSet {
  const { logger } = options;
  let signature = directorySignature(dir);
  let ruleSet = options.initial ?? loadRuleSet(dir);
  let reloads = 0;
  /** Problems already logged for the current broken state, so each is logged once. */
  let logged = new Set<string>();

  const check = (): boolean => {
    const now = directorySignature(dir);
    if (now === signature) return false;
    signature = now;
    try {
      ruleSet = loadRuleSet(dir);
    } catch (err) {
      const lines = err instanceof ConfigError && err.issues.length > 0 ? err.issues.map(formatConfigIssue) : [(err as Error).message];
      const fresh = lines.filter((line) => !logged.has(line));
      for (const line of fresh) logger.error({ dir, problem: line }, `rule files not reloaded, the last good set stays: ${line}`);
      logged = new Set(lines);
      return false;
    }
    logged = new Set();
    reloads++;
    logger.info({ dir, rules: ruleSet.rules.length, terms: ruleSet.entries.length }, 'rule files reloaded');
    return true;
  };

  const timer = setInterval(() => {
    try {
      check();
    } catch (err) {
      logger.error({ err, dir }, 'rule directory check failed');
    }
  }, options.intervalMs ?? RULES_POLL_MS);
  timer.unref();

  return {
    current: () => ruleSet,
    check,
    get reloads() {
      return reloads;
    },
    close: () => clearInterval(timer),
  };
}

/** Names, sizes, modification times and inodes of the directory's rule files. */
function directorySignature(dir: string): string {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => /\.ya?ml$/i.test(f)).sort();
  } catch (err) {
    return `unreadable:${(err as NodeJS.ErrnoException).code ?? 'error'}`;
  }
  return names
    .map((name) => {
      try {
        const st = statSync(join(dir, name));
        return `${name}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
      } catch {
        return `${name}:gone`;
      }
    })
    .join('|');
}
