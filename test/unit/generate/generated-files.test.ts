import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filesToWrite, planFile, withHeader } from '../../../src/generate/generated-files.js';
import { lineDiff } from '../../../src/generate/line-diff.js';

const generated = (body: string) => withHeader(body, 'the table db.books');

describe('regenerating over files on disk', () => {
  it('creates a missing file and leaves an identical one alone', () => {
    const text = generated('export const a = 1;\n');
    assert.deepEqual(planFile('a.ts', null, text), { path: 'a.ts', action: 'create', text });
    assert.deepEqual(planFile('a.ts', text, text), { path: 'a.ts', action: 'unchanged' });
    assert.deepEqual(planFile('a.ts', text.replace(/\n/g, '\r\n'), text), { path: 'a.ts', action: 'unchanged' });
  });

  it('replaces a file nobody edited when the schema changed', () => {
    const before = generated('export const a = 1;\n');
    const after = generated('export const a = 1;\nexport const b = 2;\n');
    assert.deepEqual(planFile('a.ts', before, after), { path: 'a.ts', action: 'update', text: after });
  });

  it('shows an edited file as a diff and writes nothing, unless forced', () => {
    const edited = generated('export const a = 1;\n').replace('a = 1', 'a = 42');
    const rendered = generated('export const a = 1;\nexport const b = 2;\n');
    const plan = planFile('a.ts', edited, rendered);
    assert.equal(plan.action, 'conflict');
    assert.ok(plan.action === 'conflict');
    assert.match(plan.diff, /^--- a\.ts \(on disk\)\n\+\+\+ a\.ts \(generated\)\n@@/);
    assert.match(plan.diff, /^-export const a = 42;$/m);
    assert.match(plan.diff, /^\+export const a = 1;$/m);
    assert.match(plan.diff, /^\+export const b = 2;$/m);

    const fresh = planFile('b.ts', null, rendered);
    assert.deepEqual(filesToWrite([plan, fresh], false), [], 'one edited file stops every write');
    assert.deepEqual(
      filesToWrite([plan, fresh, { path: 'c.ts', action: 'unchanged' }], true).map((file) => file.path),
      ['a.ts', 'b.ts'],
    );
  });

  it('treats a file without the generator header as edited (written by hand)', () => {
    assert.equal(planFile('a.ts', 'export const mine = true;\n', generated('export const a = 1;\n')).action, 'conflict');
  });
});

describe('line diff', () => {
  it('is empty for equal texts', () => {
    assert.equal(lineDiff('a\nb\n', 'a\nb\n', { from: 'x', to: 'y' }), '');
  });

  it('shows each change with up to three lines of context in hunks with their line ranges', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'].join('\n');
    const after = ['1', 'two', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'].join('\n');
    assert.equal(
      lineDiff(before, after, { from: 'x', to: 'y' }),
      ['--- x', '+++ y', '@@ -1,5 +1,5 @@', ' 1', '-2', '+two', ' 3', ' 4', ' 5', '@@ -10,3 +10,4 @@', ' 10', ' 11', ' 12', '+13'].join(
        '\n',
      ),
    );
  });
});
