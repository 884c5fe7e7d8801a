import { NextResponse } from 'next/server';
import type { z } from 'zod';
import type { recentCommandsSchema } from '@/lib/api/contract';
import { readRecentCommands } from '@/lib/use-cases/read-recent-commands';
import { authorized, otherMethods } from '../_lib/authorized';

export const dynamic = 'force-dynamic';

/** Viewer: the latest operator commands and their status, newest first. */
export const GET = authorized('viewer', async () =>
  NextResponse.json({ commands: await readRecentCommands() } satisfies z.infer<typeof recentCommandsSchema>),
);
export const { POST, PUT, PATCH, DELETE } = otherMethods('GET');
