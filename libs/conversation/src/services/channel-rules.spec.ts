import { smsKeyword, splitMessage } from './channel-rules';

describe('smsKeyword', () => {
  it.each([
    ['stop', 'opt_out'],
    [' Unsubscribe. ', 'opt_out'],
    ['STOPALL', 'opt_out'],
    ['start', 'opt_in'],
    ['UNSTOP', 'opt_in'],
    ['help', 'help'],
    ['please stop the noise', null],
    ['Stop by at 5?', null],
  ])('reads %j as %s', (text, keyword) => {
    expect(smsKeyword(text)).toBe(keyword);
  });
});

describe('splitMessage', () => {
  it('splits at sentence ends into parts within the limit and loses nothing', () => {
    const text = 'One sentence here. Another one follows! And a third one? Final words.';

    const parts = splitMessage(text, 40);

    expect(parts.every((p) => p.length <= 40)).toBe(true);
    expect(parts[0]).toBe('One sentence here. Another one follows!');
    expect(parts.join(' ')).toBe(text);
  });

  it('falls back to spaces, then to a hard cut for one long word', () => {
    expect(splitMessage('aaaa bbbb cccc dddd', 10)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitMessage('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never cuts an emoji in half', () => {
    const text = 'a' + '😀'.repeat(1000);

    const parts = splitMessage(text, 1600);

    expect(parts.join('')).toBe(text);
    expect(parts.every((p) => p.length <= 1600 && !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });
});
