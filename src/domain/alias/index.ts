// The alias aggregate: its decider and what the service and projections need from it.
import type { Decider } from '../decider.js';
import type { AliasCommand } from './commands.js';
import { decide } from './decide.js';
import type { AliasEvent } from './events.js';
import { evolve } from './evolve.js';
import { initialAlias, type Alias } from './state.js';

export const aliasDecider: Decider<AliasCommand, AliasEvent, Alias> = { decide, evolve, initialState: initialAlias };

export type * from './commands.js';
export type * from './events.js';
export type * from './state.js';
export { aliasEventTypes } from './events.js';
export { initialAlias } from './state.js';
export { decide } from './decide.js';
export { evolve } from './evolve.js';
export { MAX_ALIASES_PER_KEY } from './decide.js';
