import { serverContext } from '../server/context';

/** better-auth's HTTP handler, for its catch-all route: it answers sign-in, sign-out, session and admin calls. */
export const authHandler = (request: Request): Promise<Response> => serverContext().auth.handler(request);
