/** The console shell: sign-in gate, navigation, and the screen for the current hash route. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { SIGNED_OUT_EVENT, del, get } from './api/client.js';
import { sessionState } from './api/types.js';
import { useRoute, type Route } from './router.js';
import { SessionContext, type Admin } from './session.js';
import { Loading, ErrorMessage } from './components/ui.js';
import { SignInPage } from './pages/sign-in.js';
import { SetupPage } from './pages/setup.js';
import { DirectoriesPage } from './pages/directories.js';
import { AddDirectoryWizard } from './pages/add-directory/wizard.js';
import { DirectoryDetailPage } from './pages/directory-detail.js';
import { RunPage } from './pages/run-page.js';
import { UsersPage } from './pages/users.js';
import { UserDetailPage } from './pages/user-detail.js';
import { OrganizationsPage } from './pages/organizations.js';
import { OrganizationDetailPage } from './pages/organization-detail.js';
import { RolesPage } from './pages/roles.js';
import { TokensPage } from './pages/tokens.js';
import { AuditLogPage } from './pages/audit-log.js';
import { toFailure } from './lib/use-async.js';
import type { ApiFailure } from './api/client.js';

type SessionView = { state: 'loading' } | { state: 'error'; error: ApiFailure } | { state: 'out'; setupRequired: boolean; expired: boolean } | { state: 'in'; admin: Admin };

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<SessionView>({ state: 'loading' });

  const load = useCallback(() => {
    get('/session', sessionState).then(
      (s) => setSession(s.admin ? { state: 'in', admin: s.admin } : { state: 'out', setupRequired: s.setupRequired, expired: false }),
      (e: unknown) => setSession({ state: 'error', error: toFailure(e) }),
    );
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    const onOut = () => setSession((s) => (s.state === 'in' ? { state: 'out', setupRequired: false, expired: true } : s));
    window.addEventListener(SIGNED_OUT_EVENT, onOut);
    return () => window.removeEventListener(SIGNED_OUT_EVENT, onOut);
  }, []);

  const signOut = useCallback(() => {
    del('/session').catch(() => undefined).finally(() => setSession({ state: 'out', setupRequired: false, expired: false }));
  }, []);

  if (session.state === 'loading') return <main className="center"><Loading /></main>;
  if (session.state === 'error') return <main className="center"><ErrorMessage error={session.error} title="The console could not start" /></main>;
  if (session.state === 'out') {
    if (route.parts[0] === 'setup' && route.parts[1]) return <SetupPage token={route.parts[1]} onDone={(admin) => setSession({ state: 'in', admin })} />;
    return <SignInPage setupRequired={session.setupRequired} expired={session.expired} onSignedIn={(admin) => setSession({ state: 'in', admin })} />;
  }
  return (
    <SessionContext.Provider value={{ admin: session.admin, signOut }}>
      <Shell route={route} admin={session.admin} signOut={signOut} />
    </SessionContext.Provider>
  );
}

const NAV = [
  { section: 'Identity', items: [
    { key: 'directory-sync', label: 'Directory Sync' },
    { key: 'users', label: 'Users' },
    { key: 'organizations', label: 'Organizations' },
    { key: 'roles', label: 'Roles' },
  ] },
  { section: 'Settings', items: [{ key: 'api-tokens', label: 'API tokens' }, { key: 'audit-log', label: 'Audit log' }] },
];

function Shell({ route, admin, signOut }: { route: Route; admin: Admin; signOut(): void }) {
  const mainRef = useRef<HTMLElement>(null);
  const screenKey = route.parts.join('/');
  // move focus to the new screen's heading, so keyboard and screen reader users land on it
  useEffect(() => {
    const h1 = mainRef.current?.querySelector<HTMLElement>('h1');
    if (h1 && document.activeElement === document.body) h1.focus({ preventScroll: true });
  }, [screenKey]);
  const current = route.parts[0] ?? 'directory-sync';
  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>Skip to content</a>
      <header className="topbar">
        <a className="brand" href="#/directory-sync">AccessIQ</a>
        <div className="topbar-right">
          <span className="who" title={`Tenant ${admin.tenantName}`}>{admin.email}</span>
          <button type="button" className="btn btn-quiet" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <nav className="sidenav" aria-label="Main">
        {NAV.map((group) => (
          <div key={group.section} className="nav-group">
            <p className="nav-section" id={`nav-${group.section}`}>{group.section}</p>
            <ul aria-labelledby={`nav-${group.section}`}>
              {group.items.map((item) => (
                <li key={item.key}>
                  <a href={`#/${item.key}`} aria-current={current === item.key ? 'page' : undefined}>{item.label}</a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" className="content" ref={mainRef} tabIndex={-1}>
        <Screen route={route} />
      </main>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  const [first = 'directory-sync', second, third, fourth] = route.parts;
  switch (first) {
    case 'directory-sync':
      if (second === 'new') return <AddDirectoryWizard directoryId={third} step={Number(fourth ?? 1)} />;
      if (second && third === 'runs' && fourth) return <RunPage directoryId={second} runId={fourth} query={route.query} />;
      if (second) return <DirectoryDetailPage id={second} tab={third ?? 'overview'} />;
      return <DirectoriesPage />;
    case 'users':
      return second ? <UserDetailPage id={second} /> : <UsersPage query={route.query} />;
    case 'organizations':
      return second ? <OrganizationDetailPage id={second} /> : <OrganizationsPage />;
    case 'roles':
      return <RolesPage />;
    case 'api-tokens':
      return <TokensPage />;
    case 'audit-log':
      return <AuditLogPage />;
    default:
      return <div><h1 tabIndex={-1}>Page not found</h1><p>There is no screen at this address. <a href="#/directory-sync">Go to Directory Sync</a>.</p></div>;
  }
}
