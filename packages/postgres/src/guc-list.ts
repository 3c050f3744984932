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

/**
 * Splits a stored list value the way PostgreSQL's SplitGUCList() does: comma-separated elements, each
 * either a double-quoted identifier (with `""` for a quote) or bare text; white space around elements is
 * dropped. Returns undefined for a value that is not a well-formed list, so the caller can refuse it.
 */
function splitSettingList(value: string): string[] | undefined {
  const items: string[] = [];
  let index = 0;
  const skipSpace = () => {
    while (index < value.length && /\s/.test(value[index] ?? '')) index++;
  };
  skipSpace();
  if (index === value.length) return items;
  for (;;) {
    let item = '';
    if (value[index] === '"') {
      index++;
      for (;;) {
        const next = value.indexOf('"', index);
        if (next === -1) return undefined;
        item += value.slice(index, next);
        index = next + 1;
        if (value[index] !== '"') break;
        item += '"';
        index++;
      }
    } else {
      while (index < value.length && value[index] !== ',' && !/\s/.test(value[index] ?? '')) item += value[index++];
      if (item === '') return undefined;
    }
    items.push(item);
    skipSpace();
    if (index === value.length) return items;
    if (value[index] !== ',') return undefined;
    index++;
    skipSpace();
  }
}

export { isListSetting, splitSettingList };
