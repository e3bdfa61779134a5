/** Fault-injection suite, entra: see support/define-fault-suite.ts (one file per provider so forks run them in parallel). */
import { ADAPTERS } from '../support/provider-adapters.js';
import { defineFaultSuite } from './support/define-fault-suite.js';

defineFaultSuite(ADAPTERS.find((a) => a.provider === 'entra')!);
