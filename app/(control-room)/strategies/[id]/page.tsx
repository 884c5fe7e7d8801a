import { StrategyDetail } from '@/components/strategy-detail';

export const dynamic = 'force-dynamic';

export default async function StrategyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StrategyDetail id={id} />;
}
