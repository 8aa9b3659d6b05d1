// The local CRM's records in IndexedDB, owned by the service worker. Decisions (who a post's
// author is, what a customer record becomes, what the card shows) come from the Rust core;
// this file only reads and writes records. The database lives under the extension's
// origin: no page or content script can open it.
import { crm_identity_key, crm_identity_keys, crm_resolve, crm_upsert, crm_card, crm_unknown_card, crm_check_import } from './pkg/tactful.js';

const DB_NAME = 'tactful-crm';
// Bump with a step in upgrade() when the stores change; older databases are migrated.
// v2: a `settings` store for the connected CRM (with its credentials) and the outbox.
// v3: `counts`, each customer's number of interactions: counting an index range walks
// every entry (26 µs each; 65 ms for a customer with 2,500), so the card reads a number.
const DB_VERSION = 3;
const STORES = ['customers', 'identities', 'interactions', 'tickets', 'notes', 'counts'];

/** @type {Promise<IDBDatabase> | null} */
let dbPromise = null;

function upgrade(/** @type {IDBDatabase} */ db, /** @type {number} */ from) {
  if (from < 1) {
    db.createObjectStore('customers', { keyPath: 'id' });
    db.createObjectStore('identities', { keyPath: 'key' }); // {key: "x:dana", customer_id}
    const i = db.createObjectStore('interactions', { keyPath: 'id' });
    i.createIndex('by_customer', ['customer_id', 'at']);
    const t = db.createObjectStore('tickets', { keyPath: ['customer_id', 'id'] });
    t.createIndex('by_customer', 'customer_id');
    const n = db.createObjectStore('notes', { keyPath: 'id' });
    n.createIndex('by_customer', 'customer_id');
  }
  if (from < 2) {
    db.createObjectStore('settings'); // out-of-line keys: 'crm', 'outbox'
  }
  if (from < 3) {
    db.createObjectStore('counts'); // customer id -> number of interactions; filled lazily
  }
}

export function open() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = (e) => upgrade(req.result, e.oldVersion);
      req.onsuccess = () => {
        const db = req.result;
        // Another context upgrading or deleting the database: step aside, reopen later.
        db.onversionchange = () => { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
    });
  }
  return dbPromise;
}

/** @template T @param {IDBRequest<T>} r @returns {Promise<T>} */
function done(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function finished(/** @type {IDBTransaction} */ tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve(undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('CRM write aborted'));
  });
}

/** Owner of each identity key of `who`, in order (null where nobody). */
async function owners(/** @type {IDBTransaction} */ tx, /** @type {any} */ who) {
  const keys = crm_identity_keys(who);
  const ids = tx.objectStore('identities');
  return Promise.all(keys.map(async (/** @type {string} */ k) => {
    const row = await done(ids.get(k));
    return row ? row.customer_id : null;
  }));
}

/** Newest `limit` interactions of a customer, and how many there are. */
async function recent(/** @type {IDBTransaction} */ tx, /** @type {string} */ id, /** @type {number} */ limit) {
  const index = tx.objectStore('interactions').index('by_customer');
  const range = IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
  const kept = await done(tx.objectStore('counts').get(id));
  const total = typeof kept === 'number' ? kept : await done(index.count(range));
  /** @type {any[]} */
  const out = [];
  await new Promise((resolve, reject) => {
    const cur = index.openCursor(range, 'prev');
    cur.onsuccess = () => {
      const c = cur.result;
      if (!c || out.length >= limit) return resolve(undefined);
      out.push(c.value);
      c.continue();
    };
    cur.onerror = () => reject(cur.error);
  });
  return { total, items: out, counted: typeof kept !== 'number' };
}

/** The customer card for a post's author, with up to `lines` of history. */
export async function card(/** @type {any} */ who, /** @type {number} */ now, lines = 3) {
  return (await cards([who], now, lines))[0];
}

/** The customer cards of several authors, read in one transaction. */
export async function cards(/** @type {any[]} */ whos, /** @type {number} */ now, lines = 3) {
  if (!whos.length) return [];
  const db = await open();
  const tx = db.transaction(STORES, 'readonly');
  return Promise.all(whos.map((who) => cardIn(tx, who, now, lines)));
}

async function cardIn(/** @type {IDBTransaction} */ tx, /** @type {any} */ who, /** @type {number} */ now, /** @type {number} */ lines) {
  const r = crm_resolve(who, await owners(tx, who));
  if (r.kind === 'new') return crm_unknown_card(who);
  const customer = await done(tx.objectStore('customers').get(r.id));
  const { total, items, counted } = await recent(tx, r.id, Math.max(40, lines));
  // A database from before v3: keep the count we just paid for.
  if (counted) open().then((d) => d.transaction('counts', 'readwrite').objectStore('counts').put(total, r.id)).catch(() => {});
  const tickets = await done(tx.objectStore('tickets').index('by_customer').getAll(r.id));
  const notes = await done(tx.objectStore('notes').index('by_customer').getAll(r.id));
  return crm_card(customer, items, tickets.map((/** @type {any} */ t) => t.ticket), notes, total, now, lines);
}

/**
 * Applies writes (from the worker's `crm_writes`) in one transaction each. Returns the
 * ops that changed something (a customer's post already logged is not new).
 */
export async function apply(/** @type {any[]} */ ops, /** @type {number} */ now) {
  const db = await open();
  const fresh = [];
  for (const op of ops) {
    const tx = db.transaction(STORES, 'readwrite');
    const who = op.customer;
    const own = await owners(tx, who);
    const r = crm_resolve(who, own);
    const existing = r.kind === 'new' ? null : await done(tx.objectStore('customers').get(r.id));
    const { customer, added } = crm_upsert(existing ?? null, who, own, now, crypto.randomUUID());
    tx.objectStore('customers').put(customer);
    for (const key of added) tx.objectStore('identities').put({ key, customer_id: customer.id });
    let isNew = true;
    if (op.op === 'log_interaction') {
      // Ids make writes idempotent: the customer's post is keyed by its permalink.
      if (op.interaction.id) isNew = !(await done(tx.objectStore('interactions').getKey(op.interaction.id)));
      tx.objectStore('interactions').put({ ...op.interaction, id: op.interaction.id || crypto.randomUUID(), customer_id: customer.id });
      if (isNew) {
        const counts = tx.objectStore('counts');
        const kept = await done(counts.get(customer.id));
        const range = IDBKeyRange.bound([customer.id, -Infinity], [customer.id, Infinity]);
        // Counted after the put when unknown (an older database), else one more.
        counts.put(typeof kept === 'number' ? kept + 1 : await done(tx.objectStore('interactions').index('by_customer').count(range)), customer.id);
      }
    } else if (op.op === 'add_note') {
      tx.objectStore('notes').put({ id: crypto.randomUUID(), customer_id: customer.id, text: op.text, agent: op.agent ?? null, at: now });
    } else if (op.op === 'create_ticket') {
      const id = crypto.randomUUID();
      tx.objectStore('tickets').put({ customer_id: customer.id, id, ticket: { id, subject: op.subject, status: 'open', open: true, link: null, updated_at: now } });
    }
    await finished(tx);
    if (isNew) fresh.push(op);
  }
  return fresh;
}

/** The whole store, as the options page exports it. */
export async function exportAll() {
  const db = await open();
  const tx = db.transaction(STORES, 'readonly');
  const [customers, interactions, tickets, notes] = await Promise.all(['customers', 'interactions', 'tickets', 'notes'].map((s) => done(tx.objectStore(s).getAll())));
  return { schema: 2, customers, interactions, tickets: tickets.map((/** @type {any} */ t) => [t.customer_id, t.ticket]), notes };
}

/** Replaces the store with an export, checked by the core first (all or nothing). */
export async function importAll(/** @type {any} */ snapshot) {
  const s = crm_check_import(snapshot); // throws with words for the user
  const db = await open();
  const tx = db.transaction(STORES, 'readwrite');
  for (const name of STORES) tx.objectStore(name).clear();
  for (const c of s.customers) {
    tx.objectStore('customers').put(c);
    for (const key of crm_identity_keys({ identities: c.identities, display_name: null })) tx.objectStore('identities').put({ key, customer_id: c.id });
  }
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const i of s.interactions) {
    tx.objectStore('interactions').put(i);
    counts.set(i.customer_id, (counts.get(i.customer_id) || 0) + 1);
  }
  for (const c of s.customers) tx.objectStore('counts').put(counts.get(c.id) || 0, c.id);
  for (const [customer_id, t] of s.tickets) tx.objectStore('tickets').put({ customer_id, id: t.id, ticket: t });
  for (const n of s.notes) tx.objectStore('notes').put(n);
  await finished(tx);
  return { customers: s.customers.length, interactions: s.interactions.length };
}

/** A value from the `settings` store ('crm' config with credentials, 'outbox'). */
export async function getSetting(/** @type {string} */ key) {
  const db = await open();
  return done(db.transaction('settings', 'readonly').objectStore('settings').get(key));
}

export async function setSetting(/** @type {string} */ key, /** @type {any} */ value) {
  const db = await open();
  const tx = db.transaction('settings', 'readwrite');
  if (value === undefined) tx.objectStore('settings').delete(key);
  else tx.objectStore('settings').put(value, key);
  await finished(tx);
}

/** The customer who owns an identity typed by an agent (network + handle or email). */
async function ownerOf(/** @type {IDBTransaction} */ tx, /** @type {string} */ network, /** @type {string} */ value) {
  const row = await done(tx.objectStore('identities').get(crm_identity_key(network, value)));
  if (!row) throw new Error(`No customer with ${network === 'email' ? value : `@${value.replace(/^@/, '')} on ${network}`} in the local CRM.`);
  return row.customer_id;
}

/** Everything the local CRM holds about one customer (a privacy request's export). */
export async function exportCustomer(/** @type {string} */ network, /** @type {string} */ value) {
  const db = await open();
  const tx = db.transaction(STORES, 'readonly');
  const id = await ownerOf(tx, network, value);
  const customer = await done(tx.objectStore('customers').get(id));
  const { items } = await recent(tx, id, Infinity);
  const tickets = await done(tx.objectStore('tickets').index('by_customer').getAll(id));
  const notes = await done(tx.objectStore('notes').index('by_customer').getAll(id));
  return { schema: 2, customers: [customer], interactions: items.reverse(), tickets: tickets.map((/** @type {any} */ t) => [id, t.ticket]), notes };
}

/** Erases a customer and everything about them, in one transaction. */
export async function deleteCustomer(/** @type {string} */ network, /** @type {string} */ value) {
  const db = await open();
  const tx = db.transaction(STORES, 'readwrite');
  const id = await ownerOf(tx, network, value);
  const customer = await done(tx.objectStore('customers').get(id));
  tx.objectStore('customers').delete(id);
  tx.objectStore('counts').delete(id);
  for (const key of crm_identity_keys({ identities: customer.identities, display_name: null })) tx.objectStore('identities').delete(key);
  const byCustomer = (/** @type {string} */ store) => new Promise((resolve, reject) => {
    const range = store === 'interactions' ? IDBKeyRange.bound([id, -Infinity], [id, Infinity]) : IDBKeyRange.only(id);
    const cur = tx.objectStore(store).index('by_customer').openCursor(range);
    let n = 0;
    cur.onsuccess = () => { const c = cur.result; if (!c) return resolve(n); c.delete(); n += 1; c.continue(); };
    cur.onerror = () => reject(cur.error);
  });
  const interactions = await byCustomer('interactions');
  await byCustomer('tickets');
  await byCustomer('notes');
  await finished(tx);
  return { interactions };
}
