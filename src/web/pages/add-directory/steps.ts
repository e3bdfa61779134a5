import { href } from '../../router.js';

export const STEPS = ['Connect your directory', 'Configure sync settings', 'Map groups', 'Run initial sync'];
export const stepHref = (id: string, step: number) => href('directory-sync', 'new', id, String(step));
