// End-to-end: the local CRM's IndexedDB primitives (extension/crm-store.js) in Chromium's
// real IndexedDB, from an extension page: key order, ranges with infinite bounds, the
// newest N, counts, range deletes, all-or-nothing write batches, upgrades; and that the
// CRM database keeps the layout agents' existing databases have. The rules over these
// primitives are tested natively (src/core/crm/local.rs over MemoryStore).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, ask } from './harness.mjs';

const s = useBrowser({ extPage: true });

/**
 * Runs `fn` in the options page with `window.t`: the primitives (`t.p`), a test database
 * of its own (`t.schema(name)`), a seed of five records and the shape of a rejection.
 * (Extension pages forbid eval, so the helpers are defined by a function, not sent as text.)
 */
async function inPage(fn, arg) {
  await s.ext.evaluate(async () => {
    if (window.t) return;
    const p = await import('/crm-store.js');
    window.t = {
      p,
      schema: (name) => ({
        name: `tactful-test-${name}`,
        version: 1,
        stores: [
          { name: 'things', key_path: 'id', indexes: [{ name: 'by_owner', key_path: ['owner', 'at'] }], since: 1 },
          { name: 'kv', key_path: null, indexes: [], since: 1 },
        ],
      }),
      seed: async (schema) => {
        const put = (id, owner, at) => ({ op: 'put', store: 'things', value: { id, owner, at } });
        await p.write(schema, [put('t1', 'a', 5), put('t2', 'b', 1), put('t3', 'a', -3), put('t4', 'a', 9), put('t5', 'ab', 0)]);
      },
      // Rejections come back as {stage, name, message}; tests compare stage and name.
      rejection: (e) => ({ stage: e.stage, name: e.name }),
    };
  });
  return s.ext.evaluate(fn, arg);
}

test('keys come back in IndexedDB order: numbers, then strings by UTF-16 unit, then arrays', async () => {
  const got = await inPage(async () => {
    const { p } = window.t, schema = window.t.schema('order');
    // The same keys, in the same order, as the native test of Key's ordering.
    const keys = [-Infinity, -1.5, 0, 5, Infinity, '', 'A', 'a', '😀', '｡', [], [Infinity], ['a'], ['a', -Infinity], ['a', 2], ['a', 10], ['a', Infinity], ['a', ''], ['a', []], ['b']];
    await p.write(schema, keys.map((key, i) => ({ op: 'put', store: 'kv', key, value: i })).reverse());
    const [all, minusZero, count] = await p.read(schema, [{ op: 'get_all', store: 'kv' }, { op: 'get', store: 'kv', key: -0 }, { op: 'count', store: 'kv' }]);
    return { all, minusZero, count };
  });
  assert.deepEqual(got.all, [...Array(20).keys()]);
  assert.equal(got.minusZero, 2, '-0 and 0 are one key');
  assert.equal(got.count, 20);
});

test('an index range with -Infinity/Infinity bounds, the newest N and counts', async () => {
  const got = await inPage(async () => {
    const { p } = window.t, schema = window.t.schema('ranges');
    await window.t.seed(schema);
    const a = { lower: ['a', -Infinity], upper: ['a', Infinity], lower_open: false, upper_open: false };
    const ops = [
      { op: 'get_all', store: 'things', index: 'by_owner', range: a },
      { op: 'newest', store: 'things', index: 'by_owner', range: a, limit: 2 },
      { op: 'newest', store: 'things', index: 'by_owner', range: a, limit: 10 },
      { op: 'count', store: 'things', index: 'by_owner', range: a },
      { op: 'count', store: 'things' },
      { op: 'get', store: 'things', key: 't2' },
      { op: 'get', store: 'things', key: 't9' },
      { op: 'get_all', store: 'things', range: { lower: 't2', lower_open: true } },
    ];
    const ids = (xs) => xs.map((x) => x.id);
    const out = (r) => [ids(r[0]), ids(r[1]), ids(r[2]), r[3], r[4], r[5], r[6] === undefined ? 'undefined' : r[6], ids(r[7])];
    const fast = out(await p.read(schema, ops));
    // Without getAllRecords (Chromium before 2025), newest walks a cursor: same answers.
    const hadFast = typeof IDBIndex.prototype.getAllRecords === 'function';
    const saved = [IDBIndex.prototype.getAllRecords, IDBObjectStore.prototype.getAllRecords];
    delete IDBIndex.prototype.getAllRecords;
    delete IDBObjectStore.prototype.getAllRecords;
    try {
      return { fast, cursor: out(await p.read(schema, ops)), hadFast };
    } finally {
      if (saved[0]) IDBIndex.prototype.getAllRecords = saved[0];
      if (saved[1]) IDBObjectStore.prototype.getAllRecords = saved[1];
    }
  });
  const want = [['t3', 't1', 't4'], ['t4', 't1'], ['t4', 't1', 't3'], 3, 5, { id: 't2', owner: 'b', at: 1 }, 'undefined', ['t3', 't4', 't5']];
  assert.deepEqual(got.fast, want, `by time within owner 'a' ('ab' is another owner); getAllRecords: ${got.hadFast}`);
  assert.deepEqual(got.cursor, want);
});

test('a range delete through an index, and a failed write batch changes nothing', async () => {
  const got = await inPage(async () => {
    const { p, rejection } = window.t, schema = window.t.schema('writes');
    await window.t.seed(schema);
    const a = { lower: ['a', -Infinity], upper: ['a', Infinity] };
    const all = async () => (await p.read(schema, [{ op: 'get_all', store: 'things' }, { op: 'count', store: 'things', index: 'by_owner' }]));
    const before = await all();
    // After a range delete (a cursor, awaited) and a good put, a record without its key.
    const bad = await p.write(schema, [
      { op: 'delete_range', store: 'things', index: 'by_owner', range: a },
      { op: 'put', store: 'things', value: { id: 't6', owner: 'c', at: 1 } },
      { op: 'put', store: 'things', value: { owner: 'c', at: 2 } },
    ]).then(() => 'written', rejection);
    const afterBad = await all();
    // After a clear, a key given to a store that takes keys from its records.
    const late = await p.write(schema, [{ op: 'clear', store: 'things' }, { op: 'put', store: 'things', key: 'x', value: { id: 'x' } }]).then(() => 'written', rejection);
    const afterLate = await all();
    await p.write(schema, [{ op: 'delete_range', store: 'things', index: 'by_owner', range: a }, { op: 'put', store: 'things', value: { id: 't7', owner: 'a', at: 0 } }, { op: 'delete', store: 'things', key: 't2' }]);
    const noStore = await p.read(schema, [{ op: 'get', store: 'nope', key: 1 }]).then(() => 'read', rejection);
    return { before, bad, afterBad, late, afterLate, after: (await all())[0].map((x) => x.id), noStore };
  });
  assert.deepEqual(got.bad, { stage: 'write', name: 'DataError' });
  assert.deepEqual(got.afterBad, got.before, 'nothing of the failed batch was written');
  assert.deepEqual(got.late, { stage: 'write', name: 'DataError' });
  assert.deepEqual(got.afterLate, got.before, 'the clear before it was undone');
  assert.deepEqual(got.after, ['t5', 't7'], "owner a's records gone, then t7 put after the range delete, t2 deleted");
  assert.deepEqual(got.noStore, { stage: 'read', name: 'NotFoundError' });
});

test('opening with a newer schema adds its stores and keeps the records', async () => {
  const got = await inPage(async () => {
    const { p } = window.t, schema = window.t.schema('upgrade');
    const v1 = { ...schema, stores: schema.stores.filter((x) => x.name === 'things') };
    await p.write(v1, [{ op: 'put', store: 'things', value: { id: 'old', owner: 'a', at: 1 } }]);
    const v2 = { ...schema, version: 2, stores: schema.stores.map((x) => (x.name === 'kv' ? { ...x, since: 2 } : x)) };
    await p.write(v2, [{ op: 'put', store: 'kv', key: 'k', value: 'v' }]);
    const [old, k] = await p.read(v2, [{ op: 'get', store: 'things', key: 'old' }, { op: 'get', store: 'kv', key: 'k' }]);
    const db = await p.open(v2);
    return { old, k, version: db.version, stores: [...db.objectStoreNames] };
  });
  assert.deepEqual(got, { old: { id: 'old', owner: 'a', at: 1 }, k: 'v', version: 2, stores: ['kv', 'things'] });
});

test("the CRM database has the layout agents' existing databases have", async () => {
  assert.equal((await ask(s.ext, { kind: 'ping' })).kind, 'pong', 'the worker has opened its database');
  const got = await s.ext.evaluate(async () => {
    const db = await new Promise((res, rej) => { const r = indexedDB.open('tactful-crm'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const tx = db.transaction([...db.objectStoreNames], 'readonly');
    const layout = [...db.objectStoreNames].map((n) => {
      const st = tx.objectStore(n);
      return { name: n, keyPath: st.keyPath, autoIncrement: st.autoIncrement, indexes: [...st.indexNames].map((i) => ({ name: i, keyPath: st.index(i).keyPath, unique: st.index(i).unique, multiEntry: st.index(i).multiEntry })) };
    });
    const version = db.version;
    db.close();
    const wasm = await import('/pkg/tactful.js'); // initialised by the options page
    return { version, layout, schema: wasm.local_crm_schema() };
  });
  const ix = (keyPath) => [{ name: 'by_customer', keyPath, unique: false, multiEntry: false }];
  // As extension/crm-store.js created it at v3, before the rules moved to Rust.
  assert.equal(got.version, 3);
  assert.deepEqual(got.layout, [
    { name: 'counts', keyPath: null, autoIncrement: false, indexes: [] },
    { name: 'customers', keyPath: 'id', autoIncrement: false, indexes: [] },
    { name: 'identities', keyPath: 'key', autoIncrement: false, indexes: [] },
    { name: 'interactions', keyPath: 'id', autoIncrement: false, indexes: ix(['customer_id', 'at']) },
    { name: 'notes', keyPath: 'id', autoIncrement: false, indexes: ix('customer_id') },
    { name: 'settings', keyPath: null, autoIncrement: false, indexes: [] },
    { name: 'tickets', keyPath: ['customer_id', 'id'], autoIncrement: false, indexes: ix('customer_id') },
  ]);
  assert.equal(got.schema.name, 'tactful-crm');
  assert.equal(got.schema.version, got.version);
  const fromSchema = got.schema.stores.map((x) => ({ name: x.name, keyPath: x.key_path ?? null, autoIncrement: false, indexes: x.indexes.map((i) => ({ name: i.name, keyPath: i.key_path, unique: false, multiEntry: false })) })).sort((a, b) => (a.name < b.name ? -1 : 1));
  assert.deepEqual(fromSchema, got.layout, 'the Rust schema describes the same layout');
});
