/* a11y.js: keyboard fixes for Material's defaults, each checked by tests/test_browser.py.
 *
 * 1. Skip link: with navigation.instant, Material treats a click on "Skip to content" as a
 *    navigation, fetches the page again and swaps the content in, so keyboard focus is
 *    dropped to the top of the page a moment later. Handle the click here instead: move
 *    focus to the target (the page title) and stop Material from seeing the click.
 * 2. A <label class="md-button" for="..."> (the 404 page's "Search the site") looks like a
 *    button but is not in the tab order, so keyboard users cannot reach it (WCAG 2.1.1).
 *    Make it a focusable button that Enter and Space activate, as a real button.
 * 3. A wide table sits in a scrolling box (.md-typeset__scrollwrap). Keyboard users can only
 *    scroll it if the box can take focus (WCAG 2.1.1, axe "scrollable-region-focusable"):
 *    when it overflows, make it a focusable, labelled region.
 */
document.addEventListener("click", (event) => {
  const skip = event.target.closest && event.target.closest("a.md-skip");
  const target = skip && document.getElementById(decodeURIComponent(new URL(skip.href).hash.slice(1)));
  if (!target) return;
  event.preventDefault();
  event.stopPropagation();  // capture phase on document: Material's click handler never runs
  if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus();
}, true);

document.addEventListener("keydown", (event) => {
  const label = event.target.closest && event.target.closest("label.md-button[for][role=button]");
  if (label && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    label.click();
  }
});

function enhanceLabelButtons() {
  for (const label of document.querySelectorAll("label.md-button[for]")) {
    label.setAttribute("role", "button");
    label.tabIndex = 0;
  }
  for (const box of document.querySelectorAll(".md-typeset__scrollwrap")) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Table (scroll sideways to see all of it)");
    }
  }
}

// Material's instant navigation swaps pages without a reload; document$ emits for each page.
if (typeof document$ !== "undefined") {
  document$.subscribe(enhanceLabelButtons);
} else {
  enhanceLabelButtons();
}
