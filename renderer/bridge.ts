/** The bridge main (or the test host) exposes as `window.advisor`, typed from the contract. */
import type { AdvisorApi } from '../shared/bridge/api.ts';

export const advisor: AdvisorApi = (window as unknown as { advisor: AdvisorApi }).advisor;
