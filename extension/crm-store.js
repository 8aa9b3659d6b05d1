// IndexedDB primitives for the local CRM: open (creating or upgrading the stores a schema
// lists), a batch of reads in one read-only transaction, a batch of writes in one
// read-write transaction. No rules here: src/core/crm/local.rs decides, src/web/idb.rs
// calls these (wasm-bindgen imports this file), and the schema comes from Rust.
// The database lives under the extension's origin: no page or content script can open it.

/**
 * @typedef {{ name: string, version: number, stores: Array<{ name: string, key_path: string | string[] | null, indexes: Array<{ name: string, key_path: string | string[] }>, since: number }> }} Schema
 * @typedef {{ lower?: IDBValidKey, upper?: IDBValidKey, lower_open?: boolean, upper_open?: boolean }} Range
 * @typedef {{ op: 'get', store: string, key: IDBValidKey }
 *   | { op: 'get_all' | 'count', store: string, index?: string, range?: Range }
 *   | { op: 'newest', store: string, index?: string, range: Range, limit: number }} ReadOp
 * @typedef {{ op: 'put', store: string, value: any, key?: IDBValidKey }
 *   | { op: 'delete', store: string, key: IDBValidKey }
 *   | { op: 'delete_range', store: string, index?: string, range: Range }
 *   | { op: 'clear', store: string }} WriteOp
 */

/** @type {Map<string, Promise<IDBDatabase>>} */
const opened = new Map();

/** Why a primitive failed, for idb.rs: where, and the DOMException's name and words. */
function failure(/** @type {'open' | 'read' | 'write'} */ stage, /** @type {any} */ e) {
  return { stage, name: (e && e.name) || 'Error', message: String((e && e.message) || e || 'unknown error') };
}

/** Creates the stores (and their indexes) added after version `from`. */
function upgrade(/** @type {IDBDatabase} */ db, /** @type {number} */ from, /** @type {Schema} */ schema) {
  for (const s of schema.stores) {
    if (s.since <= from) continue;
    const store = db.createObjectStore(s.name, s.key_path == null ? undefined : { keyPath: s.key_path });
    for (const ix of s.indexes) store.createIndex(ix.name, ix.key_path);
  }
}

/** The database of `schema`, opened once per context (and again after a version change). */
export function open(/** @type {Schema} */ schema) {
  const id = `${schema.name} v${schema.version}`;
  let p = opened.get(id);
  if (!p) {
    p = new Promise((resolve, reject) => {
      const req = indexedDB.open(schema.name, schema.version);
      req.onupgradeneeded = (e) => upgrade(req.result, e.oldVersion, schema);
      req.onsuccess = () => {
        const db = req.result;
        // Another context upgrading or deleting the database: step aside, reopen later.
        db.onversionchange = () => { db.close(); opened.delete(id); };
        resolve(db);
      };
      req.onerror = () => reject(failure('open', req.error));
      req.onblocked = () => reject(failure('open', { name: 'BlockedError', message: 'another Tactful page holds an older version of the database open' }));
    });
    opened.set(id, p);
    p.catch(() => opened.delete(id)); // the next call tries again
  }
  return p;
}

/** @param {Range | undefined} r */
function keyRange(r) {
  if (!r) return undefined;
  if (r.lower === undefined) return r.upper === undefined ? undefined : IDBKeyRange.upperBound(r.upper, !!r.upper_open);
  if (r.upper === undefined) return IDBKeyRange.lowerBound(r.lower, !!r.lower_open);
  return IDBKeyRange.bound(r.lower, r.upper, !!r.lower_open, !!r.upper_open);
}

/** @template T @param {IDBRequest<T>} r @returns {Promise<T>} */
function done(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The store or index a read walks. */
function source(/** @type {IDBTransaction} */ tx, /** @type {{ store: string, index?: string }} */ o) {
  const s = tx.objectStore(o.store);
  return o.index ? s.index(o.index) : s;
}

/** The last `limit` records of a range, highest key first. */
function newest(/** @type {IDBObjectStore | IDBIndex} */ src, /** @type {IDBKeyRange | undefined} */ range, /** @type {number} */ limit) {
  /** @type {any} */
  const s = src;
  // One request instead of one per record, where Chromium has it (getAllRecords, 2025).
  if (typeof s.getAllRecords === 'function') {
    return done(s.getAllRecords({ query: range, count: limit, direction: 'prev' })).then((/** @type {any[]} */ rs) => rs.map((x) => x.value));
  }
  return new Promise((resolve, reject) => {
    /** @type {any[]} */
    const out = [];
    if (limit <= 0) return resolve(out);
    const cur = src.openCursor(range, 'prev');
    cur.onsuccess = () => {
      const c = cur.result;
      if (!c) return resolve(out);
      out.push(c.value);
      if (out.length >= limit) return resolve(out);
      c.continue();
    };
    cur.onerror = () => reject(cur.error);
  });
}

/** Issues one read; its answer: a record or undefined, an array, or a number. */
function readOne(/** @type {IDBTransaction} */ tx, /** @type {ReadOp} */ o) {
  switch (o.op) {
    case 'get': return done(tx.objectStore(o.store).get(o.key));
    case 'get_all': return done(source(tx, o).getAll(keyRange(o.range)));
    case 'newest': return newest(source(tx, o), keyRange(o.range), o.limit);
    case 'count': return done(source(tx, o).count(keyRange(o.range)));
    default: throw new TypeError(`unknown read ${JSON.stringify(/** @type {any} */ (o).op)}`);
  }
}

/** Answers every read from one read-only transaction (issued at once; answers in order). */
export async function read(/** @type {Schema} */ schema, /** @type {ReadOp[]} */ ops) {
  const db = await open(schema);
  try {
    const tx = db.transaction([...new Set(ops.map((o) => o.store))], 'readonly');
    return await Promise.all(ops.map((o) => readOne(tx, o)));
  } catch (e) {
    throw failure('read', e);
  }
}

/** Deletes the records whose index key is in `range` (keys only: values aren't loaded). */
function deleteByIndex(/** @type {IDBObjectStore} */ store, /** @type {string} */ index, /** @type {IDBKeyRange} */ range) {
  return new Promise((resolve, reject) => {
    const cur = store.index(index).openKeyCursor(range);
    cur.onsuccess = () => {
      const c = cur.result;
      if (!c) return resolve(undefined);
      store.delete(c.primaryKey);
      c.continue();
    };
    cur.onerror = () => reject(cur.error);
  });
}

/** Applies the writes in order in one read-write transaction: all of them or none. */
export async function write(/** @type {Schema} */ schema, /** @type {WriteOp[]} */ ops) {
  const db = await open(schema);
  /** @type {IDBTransaction | null} */
  let tx = null;
  try {
    tx = db.transaction([...new Set(ops.map((o) => o.store))], 'readwrite');
    const t = tx;
    const finished = new Promise((resolve, reject) => {
      t.oncomplete = () => resolve(undefined);
      t.onabort = () => reject(t.error || new DOMException('the write was cancelled', 'AbortError'));
    });
    finished.catch(() => {}); // awaited below; an abort while issuing is thrown from there
    for (const o of ops) {
      const store = t.objectStore(o.store);
      if (o.op === 'put') {
        if (o.key === undefined) store.put(o.value);
        else store.put(o.value, o.key);
      } else if (o.op === 'delete') store.delete(o.key);
      else if (o.op === 'clear') store.clear();
      else if (o.op === 'delete_range') {
        const range = keyRange(o.range);
        if (!range) throw new DOMException('a range delete needs a range', 'DataError');
        // A cursor answers later: wait for it so the writes after it come after it.
        if (o.index) await deleteByIndex(store, o.index, range);
        else store.delete(range);
      } else throw new TypeError(`unknown write ${JSON.stringify(/** @type {any} */ (o).op)}`);
    }
    await finished;
  } catch (e) {
    // A put refused at once (a record without its key) leaves the transaction open:
    // abort it, so nothing of the batch is written.
    try { if (tx) tx.abort(); } catch { /* already finished or aborted */ }
    throw failure('write', e);
  }
}
