import type { NextResponse } from 'next/server';
import type { Role } from '@/lib/auth/roles';
import { authorizeRequest, requireOwnOrigin, type Operator } from '@/lib/use-cases/authorize-request';
import { errorResponse, respond } from './http';

export interface RouteContext<Params> {
  readonly operator: Operator;
  readonly params: Params;
}

type Handler<Params> = (request: Request, context: RouteContext<Params>) => Promise<Response>;

/**
 * A route handler behind the one gate: authorize first (own origin for changes, a session, the role), then
 * the handler parses, calls one use case and maps the result. Every failure has the one JSON error shape.
 */
export function authorized<Params = Record<string, never>>(needed: Role, handler: Handler<Params>) {
  return (request: Request, { params }: { params?: Promise<Params> } = {}): Promise<Response> =>
    respond(async () => {
      const operator = await authorizeRequest(request, needed);
      return handler(request, { operator, params: ((await params) ?? {}) as Params });
    });
}

/**
 * A route open to anyone, signed in or not (the first admin's setup): a state change must still come from the
 * app's own origin (403, recorded), and every failure has the one JSON error shape.
 */
export function publicRoute(handler: (request: Request) => Promise<Response>) {
  return (request: Request): Promise<Response> =>
    respond(async () => {
      await requireOwnOrigin(request);
      return handler(request);
    });
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/** Handlers for every method a route does not serve: 405 in the one JSON error shape, naming those it does. */
export function otherMethods(...served: Method[]): Record<Method, () => NextResponse> {
  const allow = served.join(', ');
  const notAllowed = () => {
    const response = errorResponse('METHOD_NOT_ALLOWED', `this route takes ${allow} only`, 405);
    response.headers.set('Allow', allow);
    return response;
  };
  return Object.fromEntries(METHODS.map((method) => [method, notAllowed])) as Record<Method, () => NextResponse>;
}
