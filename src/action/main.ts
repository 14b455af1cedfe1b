// Entry point of the bundled action (dist/index.js).
import { runAction } from './run-action.ts';

await runAction();
