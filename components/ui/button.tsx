import type { ComponentProps } from 'react';

const VARIANTS = {
  primary: 'bg-sky-700 text-white hover:bg-sky-800 focus-visible:outline-sky-400',
  secondary: 'bg-slate-700 text-slate-100 hover:bg-slate-600 focus-visible:outline-slate-400',
  warning: 'bg-amber-500 text-slate-950 hover:bg-amber-400 focus-visible:outline-amber-300',
  danger: 'bg-red-600 text-white hover:bg-red-500 focus-visible:outline-red-400',
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

/** A button's own props, `ref` included (React 19 passes it as a prop): a dialog returns focus to its opener. */
interface ButtonProps extends ComponentProps<'button'> {
  variant?: ButtonVariant;
}

export function Button({ variant = 'secondary', className = '', type = 'button', ...props }: ButtonProps) {
  return (
    <button
      type={type}
      className={`rounded-md px-3 py-1.5 text-sm font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed disabled:opacity-50 ${VARIANTS[variant]} ${className}`}
      {...props}
    />
  );
}
