import { queryOptions } from '@tanstack/react-query';
import { overridePreviewSchema, type OverridePreview } from '@/lib/api/contract';
import { fetchParsed } from '@/lib/client/queries';

/** How often an open dialog re-reads its preview: the limit prices follow the market. */
const PREVIEW_REFRESH_MS = 3_000;

const previewQuery = (queryKey: readonly unknown[], url: string) =>
  queryOptions<OverridePreview, Error, OverridePreview, readonly unknown[]>({
    queryKey,
    queryFn: ({ signal }) => fetchParsed(url, overridePreviewSchema, { signal }),
    refetchInterval: PREVIEW_REFRESH_MS,
    staleTime: 0,
  });

/**
 * What an override would send now, shown in its dialog before the operator confirms. Under `['strategies', ...]`, so
 * a change to a strategy re-reads its previews at once (lib/client/use-live-updates.ts); the open dialog also re-reads
 * every few seconds, as the prices move.
 */
export const previewQueries = {
  strategy: (id: string, action: 'defensive-exit' | 'recover') =>
    previewQuery(['strategies', id, 'preview', action], `/api/strategies/${encodeURIComponent(id)}/preview?action=${action}`),
  halt: () => previewQuery(['strategies', 'preview', 'emergency-halt'], '/api/system/halt/preview'),
  /** For an action without a preview: the dialog never enables it. */
  none: () => previewQuery(['no-preview'], '/api/no-preview'),
};

export type PreviewQuery = ReturnType<typeof previewQueries.halt>;
