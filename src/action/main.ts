// Entry point of the bundled action (dist/index.js).
import { limitHeapGrowth } from '../job/heap-limits.ts';
import { runAction } from './action.ts';

limitHeapGrowth();
await runAction();
