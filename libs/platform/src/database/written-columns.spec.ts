import { writtenColumns } from './written-columns';

interface Write {
  name?: string;
  tags?: string[];
  dueAt?: string | null;
}

const MAP = {
  name: 'name',
  tags: { column: 'tags', json: true },
  dueAt: { column: 'due_at', sql: (p: string) => `date_trunc('milliseconds', ${p}::timestamptz)` },
};

describe(writtenColumns.name, () => {
  it('maps defined fields in column-map order, numbering placeholders from the given parameter', () => {
    const cols = writtenColumns<Write>(MAP, { dueAt: '2026-01-01T00:00:00Z', name: 'A', tags: ['x'] }, 4);

    expect(cols).toEqual({
      names: ['name', 'tags', 'due_at'],
      placeholders: ['$4', '$5', "date_trunc('milliseconds', $6::timestamptz)"],
      values: ['A', '["x"]', '2026-01-01T00:00:00Z'],
    });
  });

  it('skips undefined fields, keeps nulls, and ignores keys the map does not name', () => {
    const write = { name: undefined, dueAt: null, injected: 'x' } as Write;

    expect(writtenColumns<Write>(MAP, write, 1)).toEqual({
      names: ['due_at'],
      placeholders: ["date_trunc('milliseconds', $1::timestamptz)"],
      values: [null],
    });
  });
});
