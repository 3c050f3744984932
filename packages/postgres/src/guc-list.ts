/**
 * Settings whose value is a list, quoted element by element when dumped. This is the list pg_dump and
 * pg_dumpall keep in `variable_is_guc_list_quote()` (src/fe_utils/string_utils.c), for the same reason:
 * re-issuing `ALTER ROLE … SET` must reproduce the stored value exactly.
 */
const LIST_SETTINGS = new Set([
  'local_preload_libraries',
  'search_path',
  'session_preload_libraries',
  'shared_preload_libraries',
  'temp_tablespaces',
  'unix_socket_directories',
]);

/** Whether a setting's stored value is a list to split before quoting. */
function isListSetting(name: string): boolean {
  return LIST_SETTINGS.has(name.toLowerCase());
}

/** Reads a double-quoted element starting at `start` (the opening quote); `""` is a literal quote. */
function readQuoted(value: string, start: number): { item: string; next: number } | undefined {
  let item = '';
  let index = start + 1;
  for (;;) {
    const close = value.indexOf('"', index);
    if (close === -1) return undefined;
    item += value.slice(index, close);
    if (value[close + 1] !== '"') return { item, next: close + 1 };
    item += '"';
    index = close + 2;
  }
}

/** Reads a bare element: everything up to a comma or white space. */
function readBare(value: string, start: number): { item: string; next: number } | undefined {
  const match = /^[^,\s]+/.exec(value.slice(start));
  return match === null ? undefined : { item: match[0], next: start + match[0].length };
}

function skipSpace(value: string, start: number): number {
  return start + (/^\s*/.exec(value.slice(start))?.[0].length ?? 0);
}

/**
 * Splits a stored list value the way PostgreSQL's SplitGUCList() does: comma-separated elements, each
 * either a double-quoted identifier (with `""` for a quote) or bare text; white space around elements is
 * dropped. Returns undefined for a value that is not a well-formed list, so the caller can refuse it.
 */
function splitSettingList(value: string): string[] | undefined {
  const items: string[] = [];
  let index = skipSpace(value, 0);
  while (index < value.length) {
    const element = value[index] === '"' ? readQuoted(value, index) : readBare(value, index);
    if (element === undefined) return undefined;
    items.push(element.item);
    index = skipSpace(value, element.next);
    if (index === value.length) break;
    if (value[index] !== ',') return undefined;
    index = skipSpace(value, index + 1);
    if (index === value.length) return undefined;
  }
  return items;
}

export { isListSetting, splitSettingList };
