// `vigie users`: review desk accounts from the host, which is how the first admin is made and how
// a locked-out desk is recovered. Passwords come from standard input or a no-echo prompt, never
// from argv or the environment (both are readable by other local users through /proc). Every
// change is written to the desk's audit log as `cli:<os user>`.
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { hashPassword, passwordProblem } from '../../review/auth/passwords.ts';
import { apiTokenPrefix, newApiToken, secretHash } from '../../review/auth/tokens.ts';
import { DeskConflictError, ROLES, USERNAME_PATTERN, openDeskStore, type DeskStore, type Role, type User } from '../../review/desk/index.ts';
import { CliError, EXIT_DATAERR, EXIT_USAGE } from '../cli-error.ts';
import { DATA_DIR_HELP, oneOf } from '../options.ts';
import { withRuntime } from '../runtime.ts';


interface CommonOptions {
  dataDir?: string;
}

interface PasswordOptions extends CommonOptions {
  username: string;
  passwordStdin?: boolean;
}

interface AddOptions extends PasswordOptions {
  role: Role;
  oidc?: boolean;
}

const write = (line: string) => process.stdout.write(`${line}\n`);

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('review desk accounts: create, list, disable, enable, passwords, API tokens');

  users
    .command('add')
    .description('create an account; the password is read from a no-echo prompt, or from standard input with --password-stdin')
    .requiredOption('--username <name>', 'lowercase letters, digits, . _ - (2 to 63 characters)', validUsername)
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, oneOf('--role', ROLES))
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--oidc', 'an account that signs in through OpenID Connect only, without a password')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: AddOptions) => {
      if (options.oidc && options.passwordStdin) throw new CliError('--oidc accounts have no password: drop --password-stdin', EXIT_USAGE);
      await withDesk(options, async (desk) => {
        // Before asking for a password that would be thrown away (the insert still decides a race).
        if ((await desk.getUser(options.username)) !== null) throw taken(options.username);
        const passwordHash = options.oidc ? null : await hashPassword(await readNewPassword(options));
        const user = await desk
          .createUser({ username: options.username, role: options.role, source: options.oidc ? 'oidc' : 'local', passwordHash, createdAt: now() })
          .catch((err: unknown) => {
            if (err instanceof DeskConflictError) throw taken(options.username);
            throw err;
          });
        await audit(desk, 'user.create', user.username, { role: user.role, source: user.source });
        write(`user ${user.username} created (${user.role}, ${user.source})`);
      });
    });

  users
    .command('list')
    .description('every account')
    .option('--json', 'one JSON array on stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: CommonOptions & { json?: boolean }) => {
      await withDesk(options, async (desk) => {
        const list = await desk.listUsers();
        if (options.json) write(JSON.stringify(list));
        else writeTable(list);
      });
    });

  users
    .command('disable')
    .description('disable an account and end all its sessions (its API tokens stop working too)')
    .requiredOption('--username <name>', 'the account', validUsername)
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: CommonOptions & { username: string }) => {
      await withDesk(options, async (desk) => {
        const user = await existingUser(desk, options.username);
        // Sessions are ended even when the account was already disabled: a retry after a crash
        // between the two steps must finish the job.
        if (!user.disabled) await desk.updateUser(user.username, { disabled: true });
        const sessionsEnded = await desk.deleteUserSessions(user.username);
        if (!user.disabled || sessionsEnded > 0) await audit(desk, 'user.update', user.username, { disabled: true, sessionsEnded });
        write(user.disabled ? `user ${user.username} was already disabled` : `user ${user.username} disabled; ${sessionsEnded} session(s) ended`);
      });
    });

  users
    .command('enable')
    .description('enable a disabled account')
    .requiredOption('--username <name>', 'the account', validUsername)
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: CommonOptions & { username: string }) => {
      await withDesk(options, async (desk) => {
        const user = await existingUser(desk, options.username);
        if (user.disabled) {
          await desk.updateUser(user.username, { disabled: false });
          await audit(desk, 'user.update', user.username, { disabled: false });
        }
        write(user.disabled ? `user ${user.username} enabled` : `user ${user.username} was already enabled`);
      });
    });

  users
    .command('password')
    .description("set an account's password (ends its sessions); the way back in for a locked-out admin")
    .requiredOption('--username <name>', 'the account', validUsername)
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: PasswordOptions) => {
      await withDesk(options, async (desk) => {
        const user = await existingUser(desk, options.username);
        const passwordHash = await hashPassword(await readNewPassword(options));
        await desk.updateUser(user.username, { passwordHash });
        const sessionsEnded = await desk.deleteUserSessions(user.username);
        await audit(desk, 'user.update', user.username, { passwordChanged: true, sessionsEnded });
        write(`password of ${user.username} changed; ${sessionsEnded} session(s) ended`);
      });
    });

  users
    .command('token')
    .description('create an API token for an account; it is printed once, only its SHA-256 is kept')
    .requiredOption('--username <name>', 'the account the token acts as (with its role)', validUsername)
    .requiredOption('--name <name>', 'what the token is for (e.g. "export nightly")')
    .option('--json', '{ token, record } on stdout')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .action(async (options: CommonOptions & { username: string; name: string; json?: boolean }) => {
      const name = options.name.trim();
      if (name.length === 0 || name.length > 100) throw new CliError('--name must be 1 to 100 characters', EXIT_USAGE);
      await withDesk(options, async (desk) => {
        const user = await existingUser(desk, options.username);
        if (user.disabled) throw new CliError(`user ${user.username} is disabled: enable it first`, EXIT_DATAERR);
        const token = newApiToken();
        const record = await desk.createApiToken({
          id: randomUUID(),
          username: user.username,
          name,
          prefix: apiTokenPrefix(token),
          tokenHash: secretHash(token),
          createdAt: now(),
        });
        await audit(desk, 'token.create', user.username, { tokenId: record.id, name: record.name });
        if (options.json) {
          write(JSON.stringify({ token, record }));
          return;
        }
        // The token alone on stdout, so `TOKEN=$(vigie users token ...)` works; the rest on stderr.
        process.stderr.write(`API token ${record.id} ("${record.name}") for ${user.username} (${user.role}); it is shown only now:\n`);
        write(token);
      });
    });
}

function validUsername(value: string): string {
  if (!USERNAME_PATTERN.test(value)) {
    throw new InvalidArgumentError('a user name is 2 to 63 lowercase letters, digits, . _ - (starting with a letter or digit)');
  }
  return value;
}

function taken(username: string): CliError {
  return new CliError(`user ${username} exists already`, EXIT_DATAERR);
}

async function withDesk(options: CommonOptions, use: (desk: DeskStore) => Promise<void>): Promise<void> {
  await withRuntime({ dataDir: options.dataDir }, 'one-shot', async ({ settings, closer }) => {
    const desk = await openDeskStore(settings.dataDir);
    closer.add(() => desk.close());
    await use(desk);
  });
}

async function existingUser(desk: DeskStore, username: string): Promise<User> {
  const user = await desk.getUser(username);
  if (user === null) throw new CliError(`no user ${username}`, 1);
  return user;
}

async function audit(desk: DeskStore, action: string, subject: string, detail: Record<string, unknown>): Promise<void> {
  await desk.appendAudit({ at: now(), actor: `cli:${osUser()}`, action, subject, outcome: 'ok', detail });
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has a uid but no name.
    return `uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

function now(): string {
  return new Date().toISOString();
}

function writeTable(list: readonly User[]): void {
  if (list.length === 0) {
    write('no users');
    return;
  }
  const rows = [
    ['username', 'role', 'source', 'status', 'created', 'last sign-in'],
    ...list.map((u) => [u.username, u.role, u.source, u.disabled ? 'disabled' : 'active', u.createdAt, u.lastSignInAt ?? '-']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) write(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

/** The new password, from stdin or a no-echo prompt, checked against the policy before hashing. */
async function readNewPassword(options: PasswordOptions): Promise<string> {
  let password: string;
  if (options.passwordStdin) {
    password = stripOneNewline(await readAll(process.stdin));
  } else if (process.stdin.isTTY) {
    password = await promptHidden(`password for ${options.username}: `);
    if ((await promptHidden('again: ')) !== password) throw new CliError('the two passwords differ', EXIT_DATAERR);
  } else {
    throw new CliError('no terminal to ask for the password: write it on standard input with --password-stdin', EXIT_USAGE);
  }
  const problem = passwordProblem(password);
  if (problem !== null) throw new CliError(problem, EXIT_DATAERR);
  return password;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** `echo pw | vigie ...` and `printf pw` must give the same password. */
function stripOneNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

/** Reads one line from the terminal with echo off (raw mode), on stderr so stdout stays clean. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new CliError('cancelled', 130));
          return;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
      }
    };
    input.on('data', onData);
  });
}
