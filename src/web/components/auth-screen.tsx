import type { ReactNode } from 'react';
import { Brand } from './brand';
import { LangSwitch } from './lang-switch';

/** Centred layout outside the console shell (team sign-in, the generic 404): brand and language on top. */
export function AuthScreen({ children }: { children: ReactNode }) {
  return (
    <div className="auth-screen">
      <div className="auth-topbar">
        <Brand />
        <LangSwitch />
      </div>
      {children}
    </div>
  );
}
