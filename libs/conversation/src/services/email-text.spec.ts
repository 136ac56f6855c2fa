import { stripReply } from './email-text';

describe('stripReply', () => {
  it('keeps only the new text above a Gmail-style quote and a signature', () => {
    const text =
      'Could we have a late checkout?\n\nThanks,\nAna\n-- \nAna Lima | Lisbon\n\nOn Mon, 3 Nov 2026 at 10:00, Hotel <a@b.c> wrote:\n> Dear Ana,\n> welcome';

    expect(stripReply(text)).toBe('Could we have a late checkout?\n\nThanks,\nAna');
  });

  it('cuts at an Outlook header block and a quote split over two lines, and drops > lines', () => {
    expect(stripReply('Yes please.\r\n\r\nFrom: Hotel\r\nSent: Monday\r\nTo: Ana\r\nold')).toBe(
      'Yes please.',
    );
    expect(stripReply('Merci !\nOn Tue, 4 Nov 2026, Hotel Lisboa\n<x@y.z> wrote:\n> hi')).toBe('Merci !');
    expect(stripReply('> quoted\nanswer')).toBe('answer');
  });

  it('keeps the whole text when everything looks quoted', () => {
    expect(stripReply('> only a quote')).toBe('> only a quote');
  });
});
