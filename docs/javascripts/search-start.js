/* search-start.js: the search worker a page starts, and nothing else until search is used.
 *
 * Material starts its search worker (the URL in its __config "search") as its bundle starts,
 * and the worker downloads lunr and its search at once. overrides/main.html points that URL
 * here instead, with ?worker=<Material's worker>, and holds the search index until the reader
 * reaches for search. This file loads nothing until the page sends it its first message (the
 * index); then it loads docs/javascripts/search-worker.js (our query rewriting and re-ranking,
 * which loads Material's worker) and hands that message on. A reader who never searches
 * downloads neither (17 KB gzip; issue 24 part 4).
 *
 * Why our own code: Material has no setting to start search late (only for file:// pages).
 * A listener added while a message is being handled does not see that message, hence the
 * replay (which this listener, already started, lets pass).
 */
let started = false
addEventListener("message", event => {
  if (started) return
  started = true
  importScripts("search-worker.js" + self.location.search)  // beside this file; ?worker= passes on
  dispatchEvent(new MessageEvent("message", { data: event.data }))
})
