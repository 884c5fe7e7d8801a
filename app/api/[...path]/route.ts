import { errorResponse } from '../_lib/http';

export const dynamic = 'force-dynamic';

/** Any path under /api that no route serves: 404 in the one JSON error shape, whatever the method. */
const notFound = (request: Request) => errorResponse('NOT_FOUND', `no route ${new URL(request.url).pathname}`, 404);

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
