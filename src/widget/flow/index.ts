export { render } from './views.ts';
export { loadMine, loadMonth, openManage, openService, restore } from './actions.ts';

export { readableOn } from './look.ts';
