export { render } from './views.ts';
export { loadMine, loadMonth, openManage, openService, restore } from './actions.ts';

export { readableOn } from './look.ts';
// zod and every schema the widget parses with travel in this chunk too: it is fetched beside the
// first API call (see net.ts), so the steps after the service list are here before they are needed.
export { ErrorBody, ServiceList, SessionResponse, AvailabilityResponse } from '../schemas.ts';
