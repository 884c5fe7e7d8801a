import { AuditTrail } from '@/components/audit-trail';

export const dynamic = 'force-dynamic';

export default function AuditPage() {
  return (
    <>
      <h1 className="text-xl font-semibold text-slate-50">Audit trail</h1>
      <AuditTrail />
    </>
  );
}
