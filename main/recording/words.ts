/** Numbers in the verifier's sentences: "1 byte", "2,500 bytes". */
export const count = (value: number, noun: string): string =>
  `${value.toLocaleString('en-US')} ${noun}${value === 1 ? '' : 's'}`;

export const wasWere = (value: number): string => (value === 1 ? 'was' : 'were');
