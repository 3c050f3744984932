import { AwsServiceError } from '../aws/service-error.js';
import { type XmlFields, xmlList } from '../aws/xml.js';
import type { ElastiCacheCache, ElastiCacheCatalog, ElastiCacheUser, ElastiCacheUserGroup } from './elasticache-catalog.js';

/** One ElastiCache action: form parameters in, the children of `<ActionResult>` out. */
type ElastiCacheOperation = (params: URLSearchParams) => XmlFields;

function requiredParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw new AwsServiceError('MissingParameter', `The request must contain the parameter ${name}.`);
  return value;
}

function optionalParam(params: URLSearchParams, name: string): string | undefined {
  const value = params.get(name);
  return value === null || value === '' ? undefined : value;
}

function booleanParam(params: URLSearchParams, name: string): boolean | undefined {
  const value = params.get(name);
  return value === null ? undefined : value === 'true';
}

/** A Query-protocol list, `Name.member.1`, `Name.member.2`, …; undefined when the request has none. */
function listParam(params: URLSearchParams, name: string, member = 'member'): string[] | undefined {
  const items: string[] = [];
  for (let index = 1; params.has(`${name}.${member}.${index}`); index++) items.push(params.get(`${name}.${member}.${index}`) ?? '');
  return items.length === 0 && !params.has(name) ? undefined : items;
}

/** `Tags.Tag.N.Key` / `.Value`: the SDK names tag list members `Tag`, not `member`. */
function tagsParam(params: URLSearchParams): Map<string, string> {
  const tags = new Map<string, string>();
  for (let index = 1; params.has(`Tags.Tag.${index}.Key`); index++) {
    tags.set(params.get(`Tags.Tag.${index}.Key`) ?? '', params.get(`Tags.Tag.${index}.Value`) ?? '');
  }
  return tags;
}

function rejectFilters(params: URLSearchParams): void {
  for (const key of params.keys()) {
    // Silently ignoring a filter would answer with the wrong users; say so instead.
    if (key.startsWith('Filters.')) throw new AwsServiceError('InvalidParameterCombination', 'The local ElastiCache does not support Filters.');
  }
}

function userXml(catalog: ElastiCacheCatalog, user: ElastiCacheUser, status = user.status): XmlFields {
  return {
    UserId: user.userId,
    UserName: user.userName,
    Status: status,
    Engine: user.engine,
    MinimumEngineVersion: '6.0',
    AccessString: user.accessString,
    UserGroupIds: xmlList('member', catalog.groupsOf(user).map((group) => group.userGroupId)),
    Authentication: { Type: user.authentication, PasswordCount: user.passwordHashes.length },
    ARN: user.arn,
  };
}

function userGroupXml(group: ElastiCacheUserGroup): XmlFields {
  return {
    UserGroupId: group.userGroupId,
    Status: group.status,
    Engine: 'redis',
    UserIds: xmlList('member', [...group.userIds]),
    MinimumEngineVersion: '6.0',
    ReplicationGroups: xmlList('member', []),
    ARN: group.arn,
  };
}

function endpointXml(cache: ElastiCacheCache): XmlFields {
  return { Address: cache.endpoint.host, Port: String(cache.endpoint.port) };
}

/** A cluster-mode-disabled replication group: one node group whose primary endpoint is the cache's endpoint. */
function replicationGroupXml(cache: ElastiCacheCache): XmlFields {
  return {
    ReplicationGroupId: cache.id,
    Status: 'available',
    NodeGroups: xmlList('NodeGroup', [{ NodeGroupId: '0001', Status: 'available', PrimaryEndpoint: endpointXml(cache) }]),
    UserGroupIds: xmlList('member', [...cache.userGroupIds]),
  };
}

function serverlessCacheXml(cache: ElastiCacheCache): XmlFields {
  return {
    ServerlessCacheName: cache.id,
    Status: 'available',
    Endpoint: endpointXml(cache),
    ...(cache.userGroupIds[0] === undefined ? {} : { UserGroupId: cache.userGroupIds[0] }),
  };
}

/** One page of `items` from the position a previous page's marker named, and the marker of the next page. */
function page<T>(items: readonly T[], marker: string | undefined, size: number): { items: T[]; next: string | undefined } {
  const start = marker === undefined ? 0 : Number(marker);
  const end = start + size;
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

/** The ElastiCache actions the stand-in serves, by name, each backed by `catalog`. */
function elastiCacheOperations(catalog: ElastiCacheCatalog): ReadonlyMap<string, ElastiCacheOperation> {
  return new Map<string, ElastiCacheOperation>([
    [
      'DescribeUsers',
      (params) => {
        rejectFilters(params);
        const userId = optionalParam(params, 'UserId');
        const users = userId === undefined ? catalog.users() : [catalog.user(userId)];
        return { Users: xmlList('member', users.map((user) => userXml(catalog, user, catalog.reportStatus(user)))) };
      },
    ],
    [
      'CreateUser',
      (params) => {
        const passwords = listParam(params, 'Passwords');
        const user = catalog.createUser({
          userId: requiredParam(params, 'UserId'),
          userName: requiredParam(params, 'UserName'),
          engine: requiredParam(params, 'Engine'),
          accessString: requiredParam(params, 'AccessString'),
          tags: tagsParam(params),
          ...(passwords === undefined ? {} : { passwords }),
          ...(booleanParam(params, 'NoPasswordRequired') === true ? { noPasswordRequired: true } : {}),
        });
        return userXml(catalog, user);
      },
    ],
    [
      'ModifyUser',
      (params) => {
        if (params.has('AppendAccessString')) {
          throw new AwsServiceError('InvalidParameterCombination', 'The local ElastiCache does not support AppendAccessString.');
        }
        const passwords = listParam(params, 'Passwords');
        const accessString = optionalParam(params, 'AccessString');
        const user = catalog.modifyUser(requiredParam(params, 'UserId'), {
          ...(passwords === undefined ? {} : { passwords }),
          ...(accessString === undefined ? {} : { accessString }),
        });
        return userXml(catalog, user);
      },
    ],
    ['DeleteUser', (params) => userXml(catalog, catalog.deleteUser(requiredParam(params, 'UserId')))],
    [
      'DescribeUserGroups',
      (params) => {
        const userGroupId = optionalParam(params, 'UserGroupId');
        const groups = userGroupId === undefined ? catalog.groups() : [catalog.group(userGroupId)];
        return { UserGroups: xmlList('member', groups.map(userGroupXml)) };
      },
    ],
    [
      'ModifyUserGroup',
      (params) =>
        userGroupXml(
          catalog.modifyUserGroup(
            requiredParam(params, 'UserGroupId'),
            listParam(params, 'UserIdsToAdd') ?? [],
            listParam(params, 'UserIdsToRemove') ?? [],
          ),
        ),
    ],
    [
      'DescribeReplicationGroups',
      (params) => {
        const id = optionalParam(params, 'ReplicationGroupId');
        const all = catalog.caches('replication-group').filter((cache) => id === undefined || cache.id === id);
        if (id !== undefined && all.length === 0) throw new AwsServiceError('ReplicationGroupNotFoundFault', `Replication group ${id} not found.`, 404);
        const { items, next } = page(all, optionalParam(params, 'Marker'), Number(optionalParam(params, 'MaxRecords') ?? 100));
        return { ReplicationGroups: xmlList('ReplicationGroup', items.map(replicationGroupXml)), ...(next === undefined ? {} : { Marker: next }) };
      },
    ],
    [
      'DescribeServerlessCaches',
      (params) => {
        const name = optionalParam(params, 'ServerlessCacheName');
        const all = catalog.caches('serverless').filter((cache) => name === undefined || cache.id === name);
        const { items, next } = page(all, optionalParam(params, 'NextToken'), Number(optionalParam(params, 'MaxResults') ?? 100));
        return { ServerlessCaches: xmlList('member', items.map(serverlessCacheXml)), ...(next === undefined ? {} : { NextToken: next }) };
      },
    ],
    [
      'AddTagsToResource',
      (params) => {
        const user = catalog.tagUser(requiredParam(params, 'ResourceName'), tagsParam(params));
        return { TagList: xmlList('Tag', [...user.tags].map(([Key, Value]) => ({ Key, Value }))) };
      },
    ],
    [
      'ListTagsForResource',
      (params) => {
        const user = catalog.userByArn(requiredParam(params, 'ResourceName'));
        return { TagList: xmlList('Tag', [...user.tags].map(([Key, Value]) => ({ Key, Value }))) };
      },
    ],
  ]);
}

export { elastiCacheOperations };
export type { ElastiCacheOperation };
