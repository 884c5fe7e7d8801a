import { migrate } from '../../lib/db/migrate';
import { E2E_DATABASE_URL } from './database';

export default async function globalSetup(): Promise<void> {
  await migrate(E2E_DATABASE_URL);
}
