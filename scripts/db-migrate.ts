import { migrate } from '../lib/db/migrate';
import { DEFAULT_DATABASE_URL } from '../lib/env';

const url = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const { createdDatabase, applied } = await migrate(url);
const where = new URL(url).pathname.slice(1);
if (createdDatabase) console.log(`Created database ${where}.`);
console.log(applied.length ? `Applied to ${where}: ${applied.join(', ')}` : `Database ${where} is up to date.`);
