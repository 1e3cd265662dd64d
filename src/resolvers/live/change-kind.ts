import { registerEnumType } from 'type-graphql';
import type { LiveChangeKind } from '../../live/live-change.js';

export enum ChangeKind {
  INSERT = 'insert',
  UPDATE = 'update',
  DELETE = 'delete',
}

registerEnumType(ChangeKind, { name: 'ChangeKind', description: 'What happened to the row.' });

export const changeKindOf = (kind: LiveChangeKind): ChangeKind =>
  kind === 'insert' ? ChangeKind.INSERT : kind === 'delete' ? ChangeKind.DELETE : ChangeKind.UPDATE;
