/* search-help.js: no dead ends. When a search finds nothing, show a short panel under
 * Material's "Nothing matched" line: urgent help (the red-flags page), what usually helps,
 * all articles (the home page) and the glossary. The same search runs on the 404 page.
 *
 * The panel is the <template id="search-help"> in overrides/partials/search.html. It is put
 * inside Material's result box only while a search has no results, so Material's arrow-key
 * navigation moves from the search box to its links (Tab closes Material's search), and
 * taken out again as soon as there are results. Enter in the box with no results does
 * nothing (Material would look for a "best result" among these links). Checked by
 * tests/test_search_queries.py (keyboard, axe in light and dark, the 404 page).
 */
(function () {
  const template = document.getElementById("search-help")
  const result = document.querySelector("[data-md-component=search-result]")
  const input = document.querySelector("[data-md-component=search-query]")
  const config = document.getElementById("__config")
  if (!template || !result || !input || !config) return
  const meta = result.querySelector(".md-search-result__meta")
  const none = JSON.parse(config.textContent).translations["search.result.none"]
  const panel = template.content.firstElementChild.cloneNode(true)
  // The search box stays while instant navigation changes pages: make the links absolute now.
  for (const a of panel.querySelectorAll("a[href]")) a.href = new URL(a.getAttribute("href"), location.href).href

  const empty = () => input.value.trim() !== "" && meta.textContent.trim() === none
  function update() {
    if (empty() && !panel.isConnected) result.append(panel)
    else if (!empty() && panel.isConnected) panel.remove()
  }
  new MutationObserver(update).observe(meta, {childList: true, characterData: true, subtree: true})
  input.addEventListener("input", update)

  window.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target === input && panel.isConnected) {
      event.preventDefault()
      event.stopImmediatePropagation()  // capture phase: Material's handler never sees it
    }
  }, true)
})()
