import { strict as assert } from 'node:assert';
import { RecentFiles } from '../../../../extension/completion/recent-files';

describe('RecentFiles', () => {
  it('lists edited files newest first, then open ones, without the current file', () => {
    const r = new RecentFiles();
    r.markEdited('/a', 1);
    r.markEdited('/b', 2);
    r.markEdited('/a', 3);
    r.setOpen(['/b', '/c', '/cur']);
    assert.deepEqual(r.list('/cur'), [
      { path: '/a', editedAt: 3 },
      { path: '/b', editedAt: 2, open: true },
      { path: '/c', open: true },
    ]);
  });
  it('is bounded', () => {
    const r = new RecentFiles(2);
    r.markEdited('/a', 1);
    r.markEdited('/b', 2);
    r.markEdited('/c', 3);
    assert.deepEqual(
      r.list(undefined).map((f) => f.path),
      ['/c', '/b'],
    );
    assert.equal(r.list(undefined, 1).length, 1);
  });
});
