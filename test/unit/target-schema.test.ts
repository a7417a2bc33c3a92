import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, alertThreshold, formatConfigIssue, loadTargetsFile, parseTargetsYaml } from '../../config/index.ts';

const exampleFile = new URL('../../config/targets.example.yaml', import.meta.url).pathname;

function problemsOf(yaml: string): string[] {
  try {
    parseTargetsYaml(yaml, 'bad.yaml');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatConfigIssue);
    throw err;
  }
  throw new Error('expected the YAML to be refused');
}

describe('watch-target files', () => {
  it('accepts the commented example, which shows every field', async () => {
    const targets = await loadTargetsFile(exampleFile);
    expect(targets.map((t) => t.id)).toEqual(['forum-exemple', 'paste-watch']);
    const [first, second] = targets;
    expect(first?.schedule).toEqual({ cron: '0 */6 * * *', timezone: 'Europe/Paris' });
    expect(second?.scope.sameHost).toBe(true);
    expect(second?.fetch.maxRedirects).toBe(5);
    expect(alertThreshold(second!)).toBe(0.4);
    // Every top-level field of the schema appears in the example (commented or not).
    const source = readFileSync(exampleFile, 'utf8');
    for (const field of Object.keys(first!)) expect(source).toMatch(new RegExp(`\\b${field}:`));
  });

  it('reports every problem of a file full of mistakes, with line and field path', () => {
    const problems = problemsOf(`targets:
  - id: Bad Id
    name: ""
    seeds: [ftp://x.example/, "not a url"]
    schedule: { cron: "99 * * * *", timezone: Mars/Olympus }
    maxDepth: -1
    robots: ignore
    sensitivity: extreme
    scope: { deny: ["(unclosed"] }
    surprise: 1
  - id: twin
    name: A
    seeds: [https://a.example/]
  - id: twin
    name: B
    seeds: [https://b.example/]
`);
    const expected = [
      /bad\.yaml:2: targets\.0\.id: lowercase letters/,
      /bad\.yaml:3: targets\.0\.name: /,
      /bad\.yaml:4: targets\.0\.seeds\.0: must be an absolute http/,
      /bad\.yaml:4: targets\.0\.seeds\.1: must be an absolute http/,
      /targets\.0\.schedule\.timezone: unknown time zone "Mars\/Olympus"/,
      /bad\.yaml:6: targets\.0\.maxDepth: /,
      /targets\.0\.sensitivity: /,
      /targets\.0\.scope\.deny\.0: is not a valid regular expression/,
      /targets\.0: Unrecognized key: "surprise"/,
      /targets\.0\.robotsIgnoreReason: is required when robots is "ignore"/,
      /bad\.yaml:14: targets\.2\.id: duplicate id "twin" \(already used by targets\.1\)/,
    ];
    for (const pattern of expected) expect(problems.some((p) => pattern.test(p)), `${pattern} in\n${problems.join('\n')}`).toBe(true);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('targets:\n  - id: a\n   name: [\n');
    expect(problems[0]).toMatch(/^bad\.yaml:\d+: \(root\): YAML syntax: /);
  });

  it('refuses an alias bomb and an undefined alias as configuration errors', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...Array.from({ length: 8 }, (_, i) => {
      const name = String.fromCharCode(98 + i);
      const prev = String.fromCharCode(97 + i);
      return `${name}: &${name} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`;
    }), 'targets: *i'].join('\n');
    expect(problemsOf(bomb).join('\n')).toMatch(/bad\.yaml: \(root\): YAML/);
    expect(problemsOf('targets: *missing\n').join('\n')).toMatch(/bad\.yaml/);
  });

  it('refuses a file without a targets list and an unreadable file', async () => {
    expect(problemsOf('just: text\n').join('\n')).toMatch(/targets/);
    await expect(loadTargetsFile('/nonexistent/targets.yaml')).rejects.toThrow(ConfigError);
  });

  it('freezes loaded targets and fills defaults', () => {
    const [target] = parseTargetsYaml('targets:\n  - id: t\n    name: T\n    seeds: [https://t.example/]\n');
    expect(Object.isFrozen(target)).toBe(true);
    expect(target).toMatchObject({ enabled: true, maxDepth: 3, maxPagesPerRun: 1000, robots: 'respect', sensitivity: 'medium', politeness: { perHostConcurrency: 2, minDelayMs: 1000 } });
  });

  it('refuses an onion target without a socks5h proxy, and a proxy URL it cannot use', () => {
    const onion = 'http://2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion/';
    expect(problemsOf(`targets:\n  - id: t\n    name: T\n    seeds: ['${onion}']\n`).join('\n'))
      .toMatch(/bad\.yaml:\d+: targets\.0\.proxy: .*onion service.*socks5h:\/\/127\.0\.0\.1:9050/);
    expect(problemsOf(`targets:\n  - id: t\n    name: T\n    seeds: ['${onion}']\n    proxy: socks5://127.0.0.1:9050\n`).join('\n'))
      .toMatch(/onion service/);
    expect(problemsOf('targets:\n  - id: t\n    name: T\n    seeds: [https://t.example/]\n    proxy: ftp://p:21\n').join('\n'))
      .toMatch(/targets\.0\.proxy: must be a proxy URL/);
    const [tor] = parseTargetsYaml(`targets:\n  - id: t\n    name: T\n    seeds: ['${onion}']\n    proxy: socks5h://127.0.0.1:9050\n`);
    expect(tor).toMatchObject({ proxy: 'socks5h://127.0.0.1:9050', render: 'never', conditionalRequests: true });
  });
});
