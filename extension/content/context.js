// @ts-check
// What the content script's modules share, made once by main.js and handed to each
// module that needs it: the site profile, the page theme the core last reported, each
// card's host element, and the one way to reach the worker. Nothing else is shared, and
// nothing through a global.

/** @typedef {{ selector: string, attr?: string | null }} Field */
/** @typedef {{ container: string, embedded?: string | null, author_name: Field, handle: Field, text: Field, time: Field, permalink: Field, author_id?: Field | null, focal?: string | null }} PostSelectors */
/**
 * Which post a reply box answers (see OwnerRule in src/core/sites/mod.rs).
 * @typedef {{ rule: 'region', selector: string } | { rule: 'dialog', selector: string } | { rule: 'mention' } | { rule: 'thread' }} OwnerRule
 */
/** @typedef {{ action?: string | null, thread_action?: string | null, editor: { selector: string, kind: string }, owner: OwnerRule[], form: string, send: string }} ReplyProfile */
/** @typedef {{ name: string, post: PostSelectors, reply: ReplyProfile }} Layout */
/** @typedef {{ id: string, name: string, layouts: Layout[], dm: { template: string | null } }} SiteProfile */
/** @typedef {{ key: string, layout: number, author_name: string | null, handle: string | null, text: string | null, time: string | null, permalink: string | null, author_id: string | null, focal: boolean }} RawPost */
/** @typedef {{ priority: number, urgent: boolean, why: string }} Triage */
/** @typedef {{ key: string, author: string, handle: string | null, age: string | null, is_brand: boolean, label: string, triage?: Triage | null }} Card */
/** @typedef {{ state: 'ok' } | { state: 'unreadable', message: string }} LayoutStatus */
/** @typedef {'light' | 'dark'} Theme */
/** @typedef {{ site_name: string, cards: Card[], thread_root?: string | null, answered?: string[], status: LayoutStatus, theme: Theme }} OverlayView */
/** Where a post's card goes: the post, and its text (the card is drawn after it). @typedef {{ element: Element, textEl: Element | null }} Target */
/**
 * One post's customer card answer (`customer_cards`), or why there is none.
 * @typedef {{ post_key: string, permalink?: string | null, card?: any, note?: string | null, answered?: boolean, moved?: string | null, error?: string }} CustomerAnswer
 */

/**
 * @typedef {object} Context
 * @property {SiteProfile | null} profile Null until the worker names the site's profile, and on pages it doesn't know.
 * @property {Layout | null} layout The profile's layout this page is read with (the first whose posts it has).
 * @property {Theme} theme The page's theme as the core last reported it.
 * @property {Map<string, HTMLElement>} hosts Each card's host element, by post key.
 * @property {(msg: object) => Promise<any>} send A message to the worker; its answer.
 */

/** @returns {Context} */
export function createContext() {
  return {
    profile: null,
    layout: null,
    theme: 'light',
    hosts: new Map(),
    // chrome.runtime.sendMessage is looked up at each call: benchmarks wrap it to time messages.
    send: (msg) => chrome.runtime.sendMessage(msg),
  };
}
