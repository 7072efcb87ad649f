// Members of an event's payload picked by path (EventStore.readOccurredMembers): the checks
// every adapter applies, and the pick itself for an adapter that holds whole events (memory).
import type { EventMembers, Json, JsonObject, MemberPaths, RecordedEvent } from './eventStore.js';
import { deepFreeze } from './json.js';

const checkPathList = (paths: unknown, which: string): void => {
  if (!Array.isArray(paths)) throw new TypeError(`"${which}" expected an array of member paths`);
  for (const path of paths) {
    if (!Array.isArray(path) || path.length === 0) throw new TypeError(`"${which}" expected each path as a non-empty array of member names`);
    for (const name of path) {
      if (typeof name !== 'string') throw new TypeError(`"${which}" expected member names as strings`);
    }
  }
};

export const checkMemberPaths = (paths: MemberPaths): MemberPaths => {
  if (typeof paths !== 'object' || paths === null) throw new TypeError('expected member paths { data, metadata }');
  checkPathList(paths.data, 'data');
  checkPathList(paths.metadata, 'metadata');
  return paths;
};

/** The value at `path`, through objects only; null where there is none. */
const memberAt = (value: JsonObject, path: readonly string[]): Json => {
  let at: Json | undefined = value;
  for (let i = 0; i < path.length; i++) {
    const name = path[i]!;
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, name)) return null;
    at = at[name];
  }
  return at ?? null;
};

/** The members at `paths` of `value`, frozen. */
export const pickFrom = (value: JsonObject, paths: readonly (readonly string[])[]): readonly Json[] => {
  const picked = new Array<Json>(paths.length);
  for (let i = 0; i < paths.length; i++) {
    const member = memberAt(value, paths[i]!);
    picked[i] = typeof member === 'object' && member !== null ? deepFreeze(member) : member;
  }
  return Object.freeze(picked);
};

/** `event` as EventMembers. */
export const pickMembers = (event: RecordedEvent, paths: MemberPaths): EventMembers => ({
  stream: event.stream,
  revision: event.revision,
  position: event.position,
  id: event.id,
  type: event.type,
  data: pickFrom(event.data, paths.data),
  metadata: pickFrom(event.metadata, paths.metadata),
});
