import { describe, expect, it } from 'vitest';
import { directorySettingsGuard, directorySettingsInputGuard } from '../../src/domain/directory-settings.js';

describe('directory settings', () => {
  it('fills every default in the stored form', () => {
    const s = directorySettingsGuard.parse({});
    expect(s).toMatchObject({ defaultRole: 'member', deactivationBehavior: 'deactivate', schedule: { enabled: false, frequency: '1h' }, safeguards: { maxDeactivationPercent: 20, maxDeactivationCount: 500, minimumUsers: 10 } });
  });

  it('a PATCH body keeps only the keys it sends (no defaults filled in, so nothing else is reset)', () => {
    expect(directorySettingsInputGuard.parse({ schedule: { enabled: true } })).toEqual({ schedule: { enabled: true } });
    expect(directorySettingsInputGuard.parse({ safeguards: { minimumUsers: 3 }, userFilter: { orgUnits: ['/Sales'] } }))
      .toEqual({ safeguards: { minimumUsers: 3 }, userFilter: { orgUnits: ['/Sales'] } });
  });

  it('rejects unknown keys and bad values with the path', () => {
    const r = directorySettingsInputGuard.safeParse({ schedule: { frequency: 'weekly' }, colour: 'red' });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['', 'schedule.frequency']);
  });
});
