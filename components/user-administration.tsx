'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { AdminActionFailure } from '@/components/reauthenticate-form';
import { Button, type ButtonVariant } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { EmptyRow, Table, Td, Th } from '@/components/ui/table';
import { createdUserResponseSchema, roleSchema, userResponseSchema, type AddUserBody, type UserSummary } from '@/lib/api/contract';
import { postJson, userQueries } from '@/lib/client/queries';

const INPUT_CLASSES = 'w-full rounded-md border border-slate-600 bg-slate-950 px-2 py-1.5 text-sm text-slate-100';
const ROLES = roleSchema.options;

/**
 * The admins' page: every user with role, two-factor, status and open sessions; adding a user, changing a role,
 * ending sessions, disabling and enabling. Each change asks why; adding and role changes may first ask the admin
 * to confirm who they are (the server's REAUTHENTICATION_REQUIRED), then go through as asked.
 */
export function UserAdministration({ currentUserEmail }: { currentUserEmail: string }) {
  const users = useQuery(userQueries.list());
  return (
    <>
      <Card>
        {users.isError && <Notice tone="error">{users.error.message}</Notice>}
        <Table caption="Users" note="Disabled users cannot sign in. A role change ends that user's sessions.">
          <thead>
            <tr>
              <Th>Email</Th>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Two-factor</Th>
              <Th>Status</Th>
              <Th>Sessions</Th>
              <Th>Actions</Th>
            </tr>
          </thead>
          <tbody>
            {users.isPending && <EmptyRow columns={7}>Loading users…</EmptyRow>}
            {users.data?.map((user) => (
              <UserRow key={user.id} user={user} isSelf={user.email === currentUserEmail} />
            ))}
          </tbody>
        </Table>
      </Card>
      <Card title="Add a user">
        <AddUserForm />
      </Card>
    </>
  );
}

function UserRow({ user, isSelf }: { user: UserSummary; isSelf: boolean }) {
  const base = `/api/users/${encodeURIComponent(user.id)}`;
  return (
    <tr>
      <Td className="font-mono">{user.email}</Td>
      <Td>{user.name}</Td>
      <Td>{user.role}</Td>
      <Td>{user.hasTwoFactor ? 'on' : 'off'}</Td>
      <Td>{user.disabled ? <span className="text-red-300">disabled</span> : 'active'}</Td>
      <Td className="tabular-nums">{user.liveSessions}</Td>
      <Td>
        <div className="flex flex-wrap gap-2">
          <UserActionDialog label="Change role" title={`Change the role of ${user.email}`} url={`${base}/role`} currentRole={user.role} />
          <UserActionDialog label="End sessions" title={`End every session of ${user.email}`} url={`${base}/end-sessions`} />
          {user.disabled ? (
            <UserActionDialog label="Enable" title={`Enable ${user.email}`} url={`${base}/enable`} />
          ) : (
            !isSelf && <UserActionDialog label="Disable" title={`Disable ${user.email}`} url={`${base}/disable`} variant="danger" />
          )}
        </div>
      </Td>
    </tr>
  );
}

/** A change to users: sent, and when the server wants a fresh authentication, sent again once the admin gave it. */
function useUserChange<Body>(send: (body: Body) => Promise<unknown>, onDone: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: onDone,
    onSettled: () => queryClient.invalidateQueries({ queryKey: userQueries.all() }),
  });
}


interface UserActionDialogProps {
  readonly label: string;
  readonly title: string;
  /** Where `{ reason }` (and `role`, when choosing one) is POSTed. */
  readonly url: string;
  /** Set for a role change: the role to start from. */
  readonly currentRole?: string;
  readonly variant?: ButtonVariant;
}

function UserActionDialog({ label, title, url, currentRole, variant = 'secondary' }: UserActionDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const ids = { title: useId(), role: useId(), reason: useId() };
  const [body, setBody] = useState<{ reason: string; role?: string }>({ reason: '' });
  const change = useUserChange((sent: typeof body) => postJson(url, sent, userResponseSchema), () => dialogRef.current?.close());

  const open = () => {
    change.reset();
    setBody({ reason: '', ...(currentRole === undefined ? {} : { role: currentRole }) });
    dialogRef.current?.showModal();
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    change.mutate(body);
  };

  return (
    <>
      <Button variant={variant} onClick={open} className="px-2 py-1 text-xs">
        {label}
      </Button>
      <dialog ref={dialogRef} aria-labelledby={ids.title} className="m-auto w-full max-w-md rounded-lg border border-slate-700 bg-slate-900 p-0 text-slate-100 shadow-xl">
        <form onSubmit={submit} className="space-y-4 p-5">
          <h2 id={ids.title} className="text-lg font-semibold">
            {title}
          </h2>
          {body.role !== undefined && (
            <Field id={ids.role} label="New role">
              <select id={ids.role} value={body.role} onChange={(event) => setBody({ ...body, role: event.target.value })} className={INPUT_CLASSES}>
                {ROLES.map((role) => (
                  <option key={role}>{role}</option>
                ))}
              </select>
            </Field>
          )}
          <Field id={ids.reason} label="Reason">
            <textarea id={ids.reason} required minLength={3} maxLength={500} rows={2} value={body.reason} onChange={(event) => setBody({ ...body, reason: event.target.value })} className={INPUT_CLASSES} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button onClick={() => dialogRef.current?.close()}>Cancel</Button>
            <Button type="submit" variant={variant === 'secondary' ? 'primary' : variant} disabled={change.isPending} aria-busy={change.isPending}>
              Confirm
            </Button>
          </div>
        </form>
        {/* Outside the form above: the re-authentication step is a form of its own. */}
        <div className="px-5 pb-5 empty:hidden">
          <AdminActionFailure error={change.error} onConfirmed={() => change.mutate(body)} />
        </div>
      </dialog>
    </>
  );
}

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-300">
        {label}
      </label>
      {children}
    </div>
  );
}

const EMPTY_USER: AddUserBody = { email: '', name: '', role: 'viewer', password: '', reason: '' };

function AddUserForm() {
  const ids = { email: useId(), name: useId(), role: useId(), password: useId(), reason: useId() };
  const [user, setUser] = useState<AddUserBody>(EMPTY_USER);
  const [added, setAdded] = useState<string | null>(null);
  const add = useUserChange(
    (sent: AddUserBody) => postJson('/api/users', sent, createdUserResponseSchema),
    () => {
      setAdded(user.email);
      setUser(EMPTY_USER);
    },
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setAdded(null);
    add.mutate(user);
  };
  const text = (field: 'email' | 'name' | 'password' | 'reason') => ({
    value: user[field],
    onChange: (event: { target: { value: string } }) => setUser({ ...user, [field]: event.target.value }),
    required: true,
    className: INPUT_CLASSES,
  });

  return (
    <div className="max-w-2xl space-y-3">
      <form onSubmit={submit} aria-label="Add a user" className="grid gap-3 sm:grid-cols-2">
        <Field id={ids.email} label="Email">
          <input id={ids.email} type="email" autoComplete="off" {...text('email')} />
        </Field>
        <Field id={ids.name} label="Name">
          <input id={ids.name} type="text" autoComplete="off" {...text('name')} />
        </Field>
        <Field id={ids.role} label="Role">
          <select id={ids.role} value={user.role} onChange={(event) => setUser({ ...user, role: roleSchema.parse(event.target.value) })} className={INPUT_CLASSES}>
            {ROLES.map((role) => (
              <option key={role}>{role}</option>
            ))}
          </select>
        </Field>
        <Field id={ids.password} label="Initial password (12+ characters)">
          <input id={ids.password} type="password" autoComplete="new-password" minLength={12} {...text('password')} />
        </Field>
        <div className="sm:col-span-2">
          <Field id={ids.reason} label="Reason">
            <input id={ids.reason} type="text" minLength={3} maxLength={500} {...text('reason')} />
          </Field>
        </div>
        <div className="sm:col-span-2">
          <Button type="submit" variant="primary" disabled={add.isPending} aria-busy={add.isPending}>
            Add user
          </Button>
        </div>
      </form>
      {/* Outside the form above: the re-authentication step is a form of its own. */}
      <AdminActionFailure error={add.error} onConfirmed={() => add.mutate(user)} />
      {added && <p role="status" className="text-sm text-green-300">Added {added}.</p>}
    </div>
  );
}
