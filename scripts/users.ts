/**
 * Users from a shell: `npm run users -- add --email ops@example.com --role admin [--name "Ops Lead"]`
 * (the password is read from WHEELHOUSE_PASSWORD or asked for), `list`, `set-role --email … --role …`,
 * `disable --email … --reason …`, `end-sessions --email …`. Uses DATABASE_URL like the server. Every change is
 * recorded in the audit trail as done by `shell`, with --reason when given; the last admin stays admin here too.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../lib/auth/roles';
import { serverContext } from '../lib/server/context';
import { addUser, changeUserRole, disableUser, endUserSessions, listUsers, userIdByEmail, type AdminAction } from '../lib/use-cases/manage-users';

const USAGE = `usage: npm run users -- <add|list|set-role|disable|end-sessions> [--email E] [--role ${ROLES.join('|')}] [--name N] [--reason R]`;

function fail(message: string): never {
  console.error(message);
  console.error(USAGE);
  process.exit(2);
}

async function askPassword(): Promise<string> {
  if (process.env.WHEELHOUSE_PASSWORD) return process.env.WHEELHOUSE_PASSWORD;
  if (!process.stdin.isTTY) fail('no terminal to ask for the password on: set WHEELHOUSE_PASSWORD');
  const prompt = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const password = await prompt.question('Password (12+ characters): ');
  prompt.close();
  return password;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, reason: { type: 'string' } },
});
const [command] = positionals;
const email = () => values.email ?? fail('--email is required');
const role = () => (isRole(values.role) ? values.role : fail(`--role must be one of ${ROLES.join(', ')}`));
/** From the shell, recorded in the audit trail as the shell's doing, with --reason when given. */
const fromShell = (what: string): AdminAction => ({ by: 'shell', reason: values.reason ?? `${what} from the shell` });

try {
  switch (command) {
    case 'add': {
      const password = await askPassword();
      if (password.length < 12) fail('the password must be at least 12 characters');
      await addUser({ email: email(), name: values.name ?? email().split('@')[0] ?? email(), role: role(), password });
      console.log(`Added ${email()} as ${values.role}.`);
      break;
    }
    case 'list':
      console.table(await listUsers());
      break;
    case 'set-role':
      await changeUserRole(fromShell('role changed'), await userIdByEmail(email()), role());
      console.log(`${email()} is now ${values.role}; their sessions ended.`);
      break;
    case 'disable':
      await disableUser(fromShell('disabled'), await userIdByEmail(email()));
      console.log(`${email()} is disabled; their sessions ended.`);
      break;
    case 'end-sessions':
      await endUserSessions(fromShell('sessions ended'), await userIdByEmail(email()));
      console.log(`Every session of ${email()} ended.`);
      break;
    default:
      fail(command ? `unknown command ${command}` : 'a command is required');
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await serverContext().db.$disconnect();
}
