import { Overview } from '@/components/overview';

export const dynamic = 'force-dynamic';

export default function OverviewPage() {
  return (
    <>
      <h1 className="sr-only">Overview</h1>
      <Overview />
    </>
  );
}
