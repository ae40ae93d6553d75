/* search-worker.js: Material's own search worker, with questions read as questions.
 *
 * Material for MkDocs lets a site provide its search worker (its __config "search" URL);
 * overrides/main.html points it here, with Material's worker as ?worker=..., and this file
 * loads that worker unchanged. One thing is added, before Material sees a query: English
 * stop words are dropped ("is my back pain an emergency" -> "back pain emergency").
 * Material appends a wildcard to every word and lunr then skips its stop-word filter, so
 * "my" matched "myofascial" and "in" matched "incontinence": every question ranked pages
 * by its smallest words. A query of stop words only, or one with search syntax
 * (quotes, + - ~ ^ * :), is passed on as typed. Typographic apostrophes become ' (phones
 * type "can’t"). A misspelt word that starts no word in the index is searched with lunr's
 * fuzzy match ("painkilers" finds "painkillers"). Checked by tests/test_search_queries.py.
 */
const STOP = new Set(("a able about across after all almost also am among an and any are as at be because " +
  "been but by can cannot could dear did do does either else ever every for from get got had has have he " +
  "her hers him his how however i if in into is it its just least let like likely may me might most must my " +
  "neither no nor not of off often on only or other our own rather said say says she should since so some " +
  "than that the their them then there these they this tis to too twas us wants was we were what when where " +
  "which while who whom why will with would yet you your").split(" "))

function readable(query) {
  query = query.replace(/[\u2018\u2019]/g, "'")
  if (/["+\-~^*:]/.test(query.replace(/(\w)-(\w)/g, "$1 $2"))) return query
  const words = query.split(/\s+/).filter(Boolean)
  const kept = words.filter(word => !STOP.has(word.toLowerCase().replace(/[?!.,;]+$/, "")))
  return kept.length ? kept.join(" ") : query
}

// Misspellings: a word of 5 letters or more that starts no word in the index is searched
// with lunr's fuzzy match instead (one letter wrong, missing or extra: "painkilers~1").
let words = []
function learn(index) {
  const separator = new RegExp(index.config.separator, "g"), seen = new Set()
  for (const doc of index.docs)
    for (const field of [doc.title, doc.text, doc.keywords || ""])
      for (const word of field.replace(/<[^>]+>/g, " ").toLowerCase().split(separator)) if (word) seen.add(word)
  words = [...seen].sort()
}
function known(word) {
  let lo = 0, hi = words.length
  while (lo < hi) { const mid = (lo + hi) >> 1; if (words[mid] < word) lo = mid + 1; else hi = mid }
  return lo < words.length && words[lo].startsWith(word)
}
function fuzzy(query) {
  return query.split(" ").map(word => /^[a-z]{5,}$/i.test(word) && !known(word.toLowerCase()) ? `${word}~1` : word).join(" ")
}

// Registered before Material's listener, so it runs first and rewrites the query in place.
addEventListener("message", event => {
  const message = event.data
  if (message && message.type === 0 && message.data && message.data.docs)  // SearchMessageType.SETUP
    learn(message.data)
  if (message && message.type === 2 && typeof message.data === "string") {  // SearchMessageType.QUERY
    const query = readable(message.data)
    message.data = /["+~^*:]|(^|\s)-/.test(query) ? query : fuzzy(query)  // search syntax: as typed
  }
})

importScripts(new URL(self.location.href).searchParams.get("worker"))
