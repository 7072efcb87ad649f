// evolve(alias, event) → alias: total and never throws. An event that does not apply (a
// second AliasCreated, an update of a deleted alias) leaves the state unchanged.
import type { AliasEvent } from './events.js';
import type { Alias } from './state.js';

export const evolve = (alias: Alias, event: AliasEvent): Alias => {
  switch (event.type) {
    case 'AliasCreated': {
      if (alias.status === 'Active') return alias;
      const { aliasName, aliasArn, targetKeyId, at } = event.data;
      return { status: 'Active', aliasName, aliasArn, targetKeyId, createdAt: at, lastUpdatedAt: at };
    }
    case 'AliasUpdated':
      if (alias.status !== 'Active') return alias;
      return { ...alias, targetKeyId: event.data.targetKeyId, lastUpdatedAt: event.data.at };
    case 'AliasDeleted':
      if (alias.status !== 'Active') return alias;
      return { status: 'Deleted', aliasName: alias.aliasName, aliasArn: alias.aliasArn, deletedAt: event.data.at };
  }
};
