/** How the console writes times, durations and names. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const numberFormat = new Intl.NumberFormat();

export const formatNumber = (n: number) => numberFormat.format(n);

export function formatTime(iso: string | null | undefined, fallback = 'Never') {
  if (!iso) return fallback;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatRelative(iso: string | null | undefined, now = Date.now()) {
  if (!iso) return '';
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

export function formatDuration(ms: number | null | undefined) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export const PROVIDERS = [
  { id: 'entra', name: 'Microsoft Entra ID' },
  { id: 'okta', name: 'Okta' },
  { id: 'google', name: 'Google Workspace' },
] as const;
export type ProviderId = (typeof PROVIDERS)[number]['id'];

export const providerName = (id: string) => PROVIDERS.find((p) => p.id === id)?.name ?? id;

export const FREQUENCIES = [
  { value: '15m', label: 'Every 15 minutes' },
  { value: '1h', label: 'Hourly' },
  { value: '24h', label: 'Daily' },
  { value: 'cron', label: 'Custom (cron expression)' },
] as const;

export const frequencyLabel = (f: string) => FREQUENCIES.find((x) => x.value === f)?.label ?? f;

export const STATUS_LABEL: Record<string, string> = {
  queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', blocked: 'Waiting for approval', rejected: 'Rejected',
};
