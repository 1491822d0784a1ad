/** HealthPort over src/health. */
import type { KubeObject } from '../../api/object.js';
import { assessHealth } from '../../health/index.js';
import type { HealthPort } from '../ports.js';

export const healthPort: HealthPort = {
  assess(live: KubeObject) {
    const h = assessHealth(live);
    return h.message ? { status: h.status, message: h.message } : { status: h.status };
  },
};
