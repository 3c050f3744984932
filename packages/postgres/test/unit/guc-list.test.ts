import { describe, expect, it } from 'vitest';
import { isListSetting, splitSettingList } from '../../src/guc-list.js';

describe('splitSettingList', () => {
  it.each([
    ['"$user", public', ['$user', 'public']],
    ['app, "My Schema", public', ['app', 'My Schema', 'public']],
    ['"a""b",c', ['a"b', 'c']],
    ['  one  ', ['one']],
    ['', []],
  ])('splits %j like SplitGUCList', (value, items) => {
    expect(splitSettingList(value)).toEqual(items);
  });

  it.each(['"unterminated', 'a,,b', 'a b', 'a,'])('refuses the malformed list %j', (value) => {
    expect(splitSettingList(value)).toBeUndefined();
  });

  it('knows which settings are lists, case-insensitively', () => {
    expect(isListSetting('search_path')).toBe(true);
    expect(isListSetting('Search_Path')).toBe(true);
    expect(isListSetting('work_mem')).toBe(false);
  });
});
