/* search-worker.js: Material's own search worker, with questions read as questions.
 *
 * Material for MkDocs lets a site provide its search worker (its __config "search" URL);
 * overrides/main.html points it here, with Material's worker as ?worker=..., and this file
 * loads that worker unchanged. One thing is added, before Material sees a query: English
 * stop words are dropped ("is my back pain an emergency" -> "back pain emergency"), and so
 * are filler words that name no topic ("best thing for sciatica" -> "sciatica": FILLER).
 * Material appends a wildcard to every word and lunr then skips its stop-word filter, so
 * "my" matched "myofascial" and "in" matched "incontinence": every question ranked pages
 * by its smallest words. A query of stop words only, or one with search syntax
 * (quotes, + - ~ ^ * :), is passed on as typed. Typographic apostrophes become ' (phones
 * type "can’t"). A misspelt word that starts no word in the index is searched with lunr's
 * fuzzy match ("painkilers" finds "painkillers"). Checked by tests/test_search_queries.py.
 *
 * Then Material's answer is re-ranked (rerank() below, before it leaves the worker), because
 * lunr scores each word on its own: a common word in a title ("back" in "Why back pain can
 * last", boost 1000) outweighed the word that tells pages apart in the text ("rugby"), and
 * lunr cannot see word order, so "bed rest" ranked pages with "bed" and "rest" far apart above
 * the page that says "bed rest". Each article (its page and section entries together) gets
 * four measures, each weighted by how rare the words are among the site's pages (idf):
 *   coverage  the share of the query's words the article contains ("rugby back injury"),
 *   phrase    the share of the query's adjacent word pairs, as typed (stop words included:
 *             "at work", "bed rest") or two content words at most two words apart
 *             ("posture ... work"), that the article has in that order,
 *   title     the share of the query's words its title names ("pilates back"), weighted
 *             like coverage, so a query word that no title has counts against every title,
 *   head      how far the query and its title's topic (the title up to a colon: "Low back
 *             pain" in "Low back pain: what usually helps") are the same words: the share
 *             of the topic the query names times the share of the query the topic names,
 *             so a bare topic ("lower back pain", "what is fascia") ranks the page about
 *             it above pages that merely name it among other words.
 * Material's score is damped (its square root: one heading that starts with a query word,
 * "rest" in "restrictions", scored 350 times a page that says "bed rest") and multiplied by
 * (1 + COVERAGE * coverage^2) (1 + PHRASE * phrase) (1 + TITLE * title) (1 + HEAD * head).
 * Words are compared by lunr's stemmer, a query word as a prefix (Material's trailing
 * wildcard) or as a word one or two letters shorter ("lower" matches "Low back pain",
 * "golfer" matches "golf": the stemmer keeps these apart); a word for pain ("ache",
 * "hurts") also as "pain"; a misspelt word as the site's words one letter away (what lunr's
 * fuzzy match found). Material has no phrase or proximity search, and its page boost
 * (front matter search.boost) is per page, not per query: hence this code.
 *
 * Safety first, after the re-ranking: a query that names an urgent sign puts the urgent page
 * (extra.urgent_page, the red-flags page) first, whatever else ranks ("mum is 80 fell down
 * the stairs now bad back pain" ranked it third: "fell" drowned by "mum", "bad", "back",
 * "pain"). The signs come from the index (its config's "urgent": Material hands the worker
 * only the index's config and docs), written by
 * fasciasite/publishing/search_index.py from the glossary and includes/urgent-help.yml, never
 * typed here. A query names a sign when it has
 *   a complete lay phrase of the urgent page: its words in order, stop words of the query
 *             between them allowed ("both my legs" names "both legs"), each word the same
 *             stem, a word of 4 letters or more typed as the start of the phrase's word
 *             ("temp": temperature), the phrase's word of 5 or more as the start of the
 *             query's ("feverish": fever), one letter away ("temprature"), or a number as
 *             its decade (an age: "82" is "80s"); or
 *   a match of a sign's pattern (urgent and emergency tiers) that spans two words or more
 *             ("wet myself", "both legs", "worse at night"); or
 *   a lay phrase of a sign that is urgent only with another (`combined`: a smaller fall,
 *             "tripped", "slipped over") and one of its other phrases ("brittle bones",
 *             "elderly", "steroid tablets"), anywhere in the query.
 * The words of another term's lay phrase that holds a sign's word (`others`: "slipped disc",
 * "fall asleep") are never read as a sign.
 * A single word of a pattern or a phrase is not a sign ("feet" of "both feet", "buttock" of
 * "numbness around your genitals or buttocks"): only a lay phrase of one word is ("fell").
 */
const STOP = new Set(("a able about across after all almost also am among an and any are as at be because " +
  "been but by can cannot could dear did do does either else ever every for from get got had has have he " +
  "her hers him his how however i if in into is it its just least let like likely may me might most must my " +
  "neither no nor not of off often on only or other our own rather said say says she should since so some " +
  "than that the their them then there these they this tis to too twas us wants was we were what when where " +
  "which while who whom why will with would yet you your").split(" "))

// Filler words readers put around a topic ("the best thing for lower back pain", "tips for a
// sore back"): they name no topic, and "best" matched "in the best studies" on the sport page.
// Dropped like stop words and kept in phrases as typed; lunr does not drop them, so the index keeps them.
const FILLER = new Set("best thing things stuff way ways tips".split(" "))
const ignored = word => STOP.has(word) || FILLER.has(word)

function readable(query) {
  query = query.replace(/[\u2018\u2019]/g, "'")
  if (/["+\-~^*:]/.test(query.replace(/(\w)-(\w)/g, "$1 $2"))) return query
  const words = query.split(/\s+/).filter(Boolean)
  const kept = words.filter(word => !ignored(word.toLowerCase().replace(/[?!.,;]+$/, "")))
  return kept.length ? kept.join(" ") : query
}

// Word forms and misspellings: Material matches the words as typed (with its wildcard), not
// their stems, so a word that starts no word in the index finds nothing by itself. When its
// stem starts one, the stem is searched ("falling" -> "fall", "stretchs" -> "stretch"; fuzzy,
// "falling" found "calling" and "filling"). Otherwise a word of 5 letters or more is searched
// with lunr's fuzzy match (one letter wrong, missing or extra: "acupunture~1").
let words = []
function learn(index) {
  const separator = new RegExp(index.config.separator, "g"), seen = new Set()
  for (const doc of index.docs)
    for (const field of [doc.title, doc.text, doc.keywords || ""])
      for (const word of field.replace(/<[^>]+>/g, " ").toLowerCase().split(separator)) if (word) seen.add(word)
  words = [...seen].sort()
  learnPages(index, separator)
  learnUrgent(index)
}
function known(word) {  // a word of the index starts with `word`
  let lo = 0, hi = words.length
  while (lo < hi) { const mid = (lo + hi) >> 1; if (words[mid] < word) lo = mid + 1; else hi = mid }
  return lo < words.length && words[lo].startsWith(word)
}
function stemmed(word) {  // `word` (lower case) starts no word of the index, but its stem does
  return /^[a-z]{4,}$/.test(word) && !known(word) && stem(word) !== word && stem(word).length >= 3 && known(stem(word))
}
function misspelt(word) {  // `word` in lower case
  return /^[a-z]{5,}$/.test(word) && !known(word) && !known(stem(word))
}
function fuzzy(query) {
  return query.split(" ").map(word => {
    const lower = word.toLowerCase()
    return stemmed(lower) ? stem(lower) : misspelt(lower) ? `${word}~1` : word
  }).join(" ")
}

// ── Re-ranking (see the header) ──────────────────────────────────────────────
const COVERAGE = 3, PHRASE = 2, TITLE = 1, HEAD = 1, NEAR = 2  // NEAR: words allowed between two content words
const DAMPING = 0.5  // Material's score is raised to this power first: see the header

let pages = new Map(), pageCount = 0, separatorRe = /\s+/
const stems = new Map()
function stem(word) {  // lunr's English stemmer, as Material's index uses it (cached)
  let out = stems.get(word)
  if (out === undefined) {
    out = self.lunr ? self.lunr.stemmer(new self.lunr.Token(word)).toString() : word
    stems.set(word, out)
  }
  return out
}
function tokens(text) {
  return text.replace(/<[^>]+>/g, " ").toLowerCase().split(separatorRe).filter(Boolean).map(stem)
}

// Each article: its words in order (page and sections, with a break between entries so no
// pair spans two), its sorted distinct words, and its title's words.
function learnPages(index, separator) {
  separatorRe = separator
  const seq = new Map()
  for (const doc of index.docs) {
    const path = doc.location.split("#")[0]
    let page = seq.get(path)
    if (!page) seq.set(path, page = { order: [], title: [], head: [] })
    if (!doc.location.includes("#")) {
      page.title = tokens(doc.title)
      page.head = [...new Set(tokens(doc.title.split(":")[0]).filter(word => !ignored(word)))]
    }
    for (const field of [doc.title, doc.text, doc.keywords || "", (doc.tags || []).join(" ")])
      page.order.push(...tokens(field), "")
  }
  pages = new Map()
  for (const [path, page] of seq) {
    const at = new Map()
    page.order.forEach((word, i) => { if (word) (at.get(word) || at.set(word, []).get(word)).push(i) })
    pages.set(path, { at, sorted: [...at.keys()].sort(), title: page.title, head: page.head })
  }
  pageCount = pages.size
  for (const page of pages.values()) {  // each head word weighted by how rare it is among the pages
    page.headIdf = page.head.map(word => Math.log(1 + pageCount / ([...pages.values()].filter(p => p.at.has(word)).length || 1)))
    page.headTotal = page.headIdf.reduce((sum, idf) => sum + idf, 0)
  }
}

function prefixed(sorted, prefix) {  // the words of `sorted` that start with `prefix`
  let lo = 0, hi = sorted.length
  while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid] < prefix) lo = mid + 1; else hi = mid }
  const out = []
  for (let i = lo; i < sorted.length && sorted[i].startsWith(prefix); i++) out.push(sorted[i])
  return out
}
// A word form of a query word: the same word cut by one or two letters, at least three left
// ("lower" -> "low", "squats" -> "squat", "golfer" -> "golf"); lunr's stemmer keeps these apart.
function shorter(word, other) {
  return other.length >= 3 && word.length - other.length >= 1 && word.length - other.length <= 2 && word.startsWith(other)
}
// The article's words that match a query word (its stem `word`, as typed `typed`): the stem,
// those the word as typed starts (Material's wildcard), and the stem's shorter forms. The
// wildcard extends the word as typed, not its stem: "standing" is cut to "stand", which starts
// "standard" (on every page with a study's standardised figures); "sitting", cut to "sit",
// started "site" and "situation". A word typed whole ("sit", "disc") still starts others.
function matching(page, word, typed = word) {
  const out = prefixed(page.sorted, typed)
  if (typed !== word && page.at.has(word) && !out.includes(word)) out.push(word)
  for (let cut = 1; cut <= 2; cut++) {
    const other = word.slice(0, -cut)
    if (shorter(word, other) && page.at.has(other)) out.push(other)
  }
  return out
}
// The forms a query word {word, typed, alts} may match, as [stem, typed]: itself and its alternatives.
const forms = word => [[word.word, word.typed], ...word.alts.map(alt => [alt, alt])]
function positions(page, word) {  // where the article has a word matching the query word
  const out = new Set()
  for (const [stem, typed] of forms(word))
    for (const w of matching(page, stem, typed)) for (const i of page.at.get(w)) out.add(i)
  return out
}
function has(page, word) {  // the article has a word matching the query word
  return forms(word).some(([stem, typed]) => matching(page, stem, typed).length > 0)
}
function names(title, word) {  // a title (its words) names the query word
  return forms(word).some(([stem, typed]) => title.some(t => t === stem || t.startsWith(typed) || shorter(stem, t)))
}
function ordered(page, a, b, within) {  // a query word a, then b at most `within` words later
  const first = positions(page, a)
  if (!first.size) return false
  const second = positions(page, b)
  for (const i of first) for (let k = 1; k <= within + 1; k++) if (second.has(i + k)) return true
  return false
}

// Words readers use for pain ("back ache in the third trimester", "my back hurts"): a page that
// says "pain" has them too. Without this, a page that never says "ache" (the pregnancy page
// says "back pain") lost to one whose lay words hold "back ache", on a word that tells no
// topic apart. Only the measures below compare them so; Material still searches the word typed.
const PAIN = new Set("ache aches aching achy achey hurt hurts hurting painful".split(" "))

// The query as typed (stop words included), stemmed: [{word, typed, alts, stop}], search syntax
// removed; `alts` are other stems the word may match: "pain" for a pain word, and for a
// misspelt word (one the worker hands to lunr's fuzzy match) the site's words one letter
// away, as lunr finds them ("acupunture": acupuncture), so the measures see what Material found.
function parse(typed) {
  return typed.replace(/[\u2018\u2019]/g, "'").replace(/~\d*|[+*^:"]/g, " ").toLowerCase().split(separatorRe)
    .filter(Boolean).map(word => ({ word: stem(word), typed: word, alts: alternatives(word), stop: ignored(word) }))
}
function alternatives(word) {
  if (PAIN.has(word)) return [stem("pain")]
  if (!misspelt(word)) return []
  return [...new Set(words.filter(w => oneEdit(word, w)).map(stem))]
}
function oneEdit(a, b) {  // one letter changed, added or removed (lunr's fuzzy ~1 also swaps two)
  if (Math.abs(a.length - b.length) > 1 || a === b) return false
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  if (a.length === b.length)
    return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2))
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

// A pair of words is a phrase worth measuring only when one of them is a content word that
// not nearly every page has: "pain after" (a common word and a stop word) is rare as a pair,
// so it weighed a lot, but it names nothing ("back pain after standing all day" ranked the
// page with "Back pain after a fall" first); "at work" and "bed rest" still count.
const GENERIC = 0.8  // a content word on this share of the pages or more is generic

// The weighted measures: [{test(page) -> bool, kind}] with an idf weight each.
function measures(typed) {
  const words = parse(typed), content = words.filter(w => !w.stop)
  const found = []
  const add = (kind, test) => {
    let df = 0
    for (const page of pages.values()) if (test(page)) df++
    const idf = df ? Math.log(1 + pageCount / df) : 0
    if (df) found.push({ kind, test, idf })
    return idf
  }
  const seen = new Set()
  for (const w of content) {
    if (seen.has(w.word)) continue
    seen.add(w.word)
    const idf = add("coverage", page => has(page, w))
    if (idf) found[found.length - 1].word = w
    const df = idf ? pageCount / (Math.exp(idf) - 1) : 0
    for (const same of content) if (same.word === w.word) same.telling = df > 0 && df < GENERIC * pageCount
    // Title words are weighted like coverage, so a word that no title has still counts in the
    // share: weighted by titles alone, "pain" (in 15 titles) gave every such title full marks
    // for "pain going down my leg", and the sciatica page, without "pain" in its title, none.
    if (idf) found.push({ kind: "title", test: page => names(page.title, w), idf })
  }
  for (let i = 0; i + 1 < words.length; i++)  // adjacent as typed, one of them a telling content word
    if (words[i].telling || words[i + 1].telling) add("phrase", page => ordered(page, words[i], words[i + 1], 0))
  let last = -1
  words.forEach((w, i) => {  // two content words with stop words between them as typed
    if (w.stop) return
    if (last >= 0 && i - last > 1 && (words[last].telling || w.telling)) {
      const a = words[last]
      add("phrase", page => ordered(page, a, w, NEAR))
    }
    last = i
  })
  return found
}

// ── Safety first (see the header) ────────────────────────────────────────────
let urgent = { location: null, phrases: [], combined: [], others: [], patterns: [] }
function learnUrgent(index) {
  const data = (index.config && index.config.urgent) || {}
  const split = phrases => (phrases || []).map(phrase => phrase.replace(/[\u2018\u2019]/g, "'").toLowerCase().split(separatorRe).filter(Boolean))
  urgent = {
    location: data.location || null,
    phrases: split(data.phrases),
    combined: (data.combined || []).map(pair => ({ phrases: split(pair.phrases), with: split(pair.with) })),
    others: split(data.others),
    patterns: (data.patterns || []).flatMap(source => {
      try { return [new RegExp(source, "i")] } catch (error) { return [] }  // a Python-only pattern: not used here
    })
  }
}
// An age typed as a number is its decade ("mum is 82": 80s), so the data lists decades, not ages.
const decade = typed => /^\d{2,3}$/.test(typed) ? `${Math.floor(Number(typed) / 10) * 10}s` : null
function sameWord(typed, word) {  // a query word as typed, a phrase's word
  return stem(typed) === stem(word) || decade(typed) === word || (typed.length >= 4 && word.startsWith(typed))
    || (word.length >= 5 && typed.startsWith(word)) || (typed.length >= 5 && oneEdit(typed, word))
}
function phraseAt(query, phrase) {  // query: words as typed; phrase: its words; [start, end) of each match
  const out = []
  for (let start = 0; start < query.length; start++) {
    let i = start, k = 0
    while (k < phrase.length && i < query.length) {
      if (sameWord(query[i], phrase[k])) { k++; i++ }
      else if (k > 0 && STOP.has(query[i]) && !STOP.has(phrase[k])) i++  // "both my legs"
      else break
    }
    if (k === phrase.length) out.push([start, i])
  }
  return out
}
const hasPhrase = (query, phrase) => phraseAt(query, phrase).length > 0
function namesUrgentSign(typed) {
  const text = typed.replace(/[\u2018\u2019]/g, "'").toLowerCase()
  const words = text.replace(/[?!.,;:"()]/g, " ").split(separatorRe).filter(Boolean)
  // the words of another term's phrase that holds a sign's word ("slipped disc", "fall asleep")
  // are that term's: blanked, so no sign is read in them
  const query = [...words]
  for (const phrase of urgent.others) for (const [start, end] of phraseAt(words, phrase)) query.fill("", start, end)
  if (urgent.phrases.some(phrase => hasPhrase(query, phrase))) return true
  // a sign only together with another ("tripped" with "brittle bones"), anywhere in the query
  if (urgent.combined.some(pair => pair.phrases.some(phrase => hasPhrase(query, phrase))
      && pair.with.some(phrase => hasPhrase(query, phrase)))) return true
  return urgent.patterns.some(pattern => { const m = pattern.exec(text); return m !== null && /\s/.test(m[0].trim()) })
}
function urgentFirst(groups, typed) {
  if (!urgent.location || !namesUrgentSign(typed)) return groups
  const at = groups.findIndex(items => items[0].location.split("#")[0] === urgent.location)
  return at > 0 ? [groups[at], ...groups.slice(0, at), ...groups.slice(at + 1)] : groups
}

function rerank(groups, typed) {
  if (!pageCount || groups.length < 2) return groups
  const found = measures(typed)
  const total = kind => found.filter(m => m.kind === kind).reduce((sum, m) => sum + m.idf, 0)
  const totals = { coverage: total("coverage"), phrase: total("phrase"), title: total("title") }
  const share = (page, kind) => totals[kind] ? found.filter(m => m.kind === kind && m.test(page))
    .reduce((sum, m) => sum + m.idf, 0) / totals[kind] : 0
  // head: the share of the title's topic that the query names, times the share of the query
  // that the topic names ("back pain and feeling unwell with a fever" names all of "Medicines
  // for back pain" but for a small part of what it asks)
  const asked = found.filter(m => m.kind === "coverage")
  const head = page => {
    if (!page.headTotal || !totals.coverage) return 0
    const topic = page.head.reduce((sum, word, i) => sum + (asked.some(m => names([word], m.word)) ? page.headIdf[i] : 0), 0)
    const query = asked.reduce((sum, m) => sum + (page.head.some(word => names([word], m.word)) ? m.idf : 0), 0)
    return (topic / page.headTotal) * (query / totals.coverage)
  }
  const scored = groups.map((items, order) => {
    const path = items[0].location.split("#")[0], page = pages.get(path)
    const best = Math.max(...items.map(item => item.score || 0)) ** DAMPING
    // The home page lists every article, so it "contains" every query: Material's score only.
    if (!page || path === "") return { items, order, score: best }
    const factor = (1 + COVERAGE * share(page, "coverage") ** 2) * (1 + PHRASE * share(page, "phrase"))
      * (1 + TITLE * share(page, "title")) * (1 + HEAD * head(page))
    return { items, order, score: best * factor }
  })
  scored.sort((a, b) => b.score - a.score || a.order - b.order)
  return urgentFirst(scored.map(s => s.items), typed)
}

// Material's answers leave through postMessage: re-rank them on the way out, for the query
// they answer (the worker answers queries in the order they come).
const pending = []
const post = self.postMessage.bind(self)
self.postMessage = function (message, ...rest) {
  if (message && message.type === 3 && message.data && Array.isArray(message.data.items)) {  // RESULT
    const typed = pending.shift()
    if (typed !== undefined) {
      try { message.data.items = rerank(message.data.items, typed) }
      catch (error) { console.warn("search re-ranking skipped:", error) }  // Material's order stands
    }
  }
  return post(message, ...rest)
}

// Registered before Material's listener, so it runs first and rewrites the query in place.
addEventListener("message", event => {
  const message = event.data
  if (message && message.type === 0 && message.data && message.data.docs)  // SearchMessageType.SETUP
    learn(message.data)
  if (message && message.type === 2 && typeof message.data === "string") {  // SearchMessageType.QUERY
    pending.push(message.data)
    const query = readable(message.data)
    message.data = /["+~^*:]|(^|\s)-/.test(query) ? query : fuzzy(query)  // search syntax: as typed
  }
})

importScripts(new URL(self.location.href).searchParams.get("worker"))
