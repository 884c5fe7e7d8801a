'use client';

import { createContext, use, type ReactNode } from 'react';
import { hasRole, type Role } from '@/lib/auth/roles';

export interface SignedInOperator {
  readonly name: string;
  readonly role: Role;
}

const OperatorContext = createContext<SignedInOperator | null>(null);

/** The signed-in person, from the server's session check, for the parts of the page that depend on the role. */
export function OperatorProvider({ operator, children }: { operator: SignedInOperator; children: ReactNode }) {
  return <OperatorContext value={operator}>{children}</OperatorContext>;
}

export function useOperator(): SignedInOperator {
  const operator = use(OperatorContext);
  if (!operator) throw new Error('useOperator outside OperatorProvider');
  return operator;
}

/** Whether the signed-in person may take operator actions (a viewer sees no override buttons). */
export const useCanOperate = (): boolean => hasRole(useOperator().role, 'operator');
