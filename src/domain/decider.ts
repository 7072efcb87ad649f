// The Decider pattern (DESIGN.md, "Deciders"; Emmett's `Decider`): an aggregate is two pure
// functions and a starting state. `decide` refuses a command by throwing a KmsError and
// returns [] when there is nothing to record; `evolve` is total and never throws, so any
// stored history can be replayed.

export interface Decider<C, E, S> {
  readonly decide: (command: C, state: S) => E[];
  readonly evolve: (state: S, event: E) => S;
  readonly initialState: S;
}

/** The state after `events`, folded from the decider's initial state (or from `from`). */
export const replay = <C, E, S>(decider: Decider<C, E, S>, events: readonly E[], from: S = decider.initialState): S =>
  events.reduce(decider.evolve, from);
