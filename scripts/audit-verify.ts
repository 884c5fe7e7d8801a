/**
 * `npm run audit:verify`: recomputes the audit trail's hash chain in the database (DATABASE_URL, like the server)
 * and prints "intact" or the first broken row by id. Exits 1 when broken, so a scheduled check can alert.
 */
import { serverContext } from '../lib/server/context';
import { verifyAudit } from '../lib/use-cases/read-audit';

const context = serverContext();
try {
  const result = await verifyAudit(context);
  if (result.intact) {
    console.log(`audit trail intact: ${result.checked} rows checked`);
  } else {
    console.log(`audit trail BROKEN at row ${result.brokenId}: ${result.problem} (${result.checked} rows checked)`);
    process.exitCode = 1;
  }
} finally {
  await context.hub.close();
  await context.db.$disconnect();
}
