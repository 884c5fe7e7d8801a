import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { LiveStatusContext, type LiveStatus } from '@/lib/client/use-live-updates';
import { LiveIndicator } from './live-indicator';

const shown = (status: LiveStatus) => renderToStaticMarkup(createElement(LiveStatusContext, { value: status }, createElement(LiveIndicator)));

describe('LiveIndicator', () => {
  it('says in words, in a status region, whether the page is live or reconnecting', () => {
    expect(shown('live')).toMatch(/^<span role="status"[^>]*>.*Live<\/span>$/);
    expect(shown('reconnecting')).toContain('Reconnecting…');
    expect(shown('connecting')).toContain('Connecting…');
  });
});
