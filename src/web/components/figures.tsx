import type { DashboardFigures } from '../lib/figures.js';
import { formatNumber, formatRelative, formatTime } from '../lib/format.js';

/** The product page's dashboard: Last sync time, Users synced, Groups synced, Errors. */
export function Figures({ figures }: { figures: DashboardFigures }) {
  return (
    <section aria-labelledby="figures-title" className="figures-section">
      <h2 id="figures-title" className="visually-hidden">Sync status</h2>
      <dl className="figures" data-testid="dashboard-figures">
        <div className="figure" data-figure="last-sync">
          <dt>Last sync time</dt>
          <dd>
            <span className="figure-value figure-time">{formatTime(figures.lastSyncAt)}</span>
            {figures.lastSyncAt ? <span className="figure-sub">{formatRelative(figures.lastSyncAt)}</span> : <span className="figure-sub">No completed sync yet</span>}
          </dd>
        </div>
        <div className="figure" data-figure="users">
          <dt>Users synced</dt>
          <dd>
            <span className="figure-value">{formatNumber(figures.usersCreated + figures.usersUpdated + figures.usersDeactivated)}</span>
            <span className="figure-sub">
              <span data-count="created">{formatNumber(figures.usersCreated)} created</span> · <span data-count="updated">{formatNumber(figures.usersUpdated)} updated</span> · <span data-count="deactivated">{formatNumber(figures.usersDeactivated)} deactivated</span>
            </span>
          </dd>
        </div>
        <div className="figure" data-figure="groups">
          <dt>Groups synced</dt>
          <dd><span className="figure-value">{formatNumber(figures.groupsSynced)}</span><span className="figure-sub">groups processed</span></dd>
        </div>
        <div className={`figure${figures.errors ? ' figure-bad' : ''}`} data-figure="errors">
          <dt>Errors</dt>
          <dd><span className="figure-value">{formatNumber(figures.errors)}</span><span className="figure-sub">{figures.errors ? 'see the sync log' : 'none in the last sync'}</span></dd>
        </div>
      </dl>
    </section>
  );
}
