/** "Blake", "Blake and Casey", "Blake, Casey and Drew". */
export function listInWords(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}
