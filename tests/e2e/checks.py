"""Checks every browser test can run on the page it is on: axe-core and sideways scrolling.

``assert_axe_clean(page)`` fails on any serious or critical finding of axe (WCAG 2.1 A/AA and
axe's best practices) and on the moderate ones issue 16 fixed once for good; the message
names rule, impact and element. ``assert_no_sideways_scroll(page)`` fails when the page is
wider than the window (at 390 px: a phone); a wide table may scroll inside its own box.
``visit_clean(page, url)`` opens a page and runs both (``assert_page_clean`` for a page
reached by a click or a form).
"""
from axe_playwright_python.sync_playwright import Axe

SERIOUS = {"serious", "critical"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "best-practice"]},
               "resultTypes": ["violations"]}
# Found on staff pages once (issue 16), below "serious", and kept out since.
ALWAYS_REPORTED = {"page-has-heading-one", "empty-table-header", "label-title-only"}
PHONE = {"width": 390, "height": 900}

_axe = Axe()


def axe_findings(page) -> list[str]:
    """axe's findings that a page of ours may not have, one line per element."""
    results = _axe.run(page, options=AXE_OPTIONS).response
    return [f"{page.url}: {v['id']} ({v['impact']}): {node['target']} "
            f"{node.get('failureSummary', '')[:160]}"
            for v in results["violations"]
            if v["impact"] in SERIOUS or v["id"] in ALWAYS_REPORTED for node in v["nodes"]]


def assert_axe_clean(page) -> None:
    found = axe_findings(page)
    assert found == [], "\n".join(found)


def sideways_overflow(page) -> str:
    """"" when the page fits its window's width, else what sticks out and by how much."""
    return page.evaluate("""() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth) return "";
        const boxed = el => {
            for (let p = el.parentElement; p; p = p.parentElement) {
                if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)
                        && p !== document.body && p !== root) return true;
            }
            return false;
        };
        const all = [...document.body.querySelectorAll("*")];
        let culprits = all.filter(el => el.getBoundingClientRect().right > root.clientWidth + 1
                                        && !boxed(el));
        if (!culprits.length) {
            // A box that fits, but whose text does not (a long e-mail address in a heading).
            const spills = el => el.scrollWidth > el.clientWidth + 1
                && getComputedStyle(el).overflowX === "visible" && !boxed(el);
            culprits = all.filter(el => spills(el) && ![...el.children].some(spills));
        }
        const wide = culprits.slice(0, 5).map(
            el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
                  + `${el.className && el.className.baseVal === undefined
                       ? "." + String(el.className).split(" ").join(".") : ""}`);
        return `${root.scrollWidth}px wide in a ${root.clientWidth}px window: ${wide.join(", ")}`;
    }""")


def assert_no_sideways_scroll(page) -> None:
    overflow = sideways_overflow(page)
    assert overflow == "", f"{page.url} scrolls sideways: {overflow}"


def at_phone_width(page) -> None:
    page.set_viewport_size(PHONE)


def assert_page_clean(page) -> None:
    """The page the browser is on: axe clean at its own width, and no sideways scrolling at
    390 px (the window is put back as it was)."""
    assert_axe_clean(page)
    size = page.viewport_size
    if size != PHONE:
        page.set_viewport_size(PHONE)
    try:
        assert_no_sideways_scroll(page)
    finally:
        if size != PHONE:
            page.set_viewport_size(size)


def visit_clean(page, url: str, *, status: int = 200):
    """Open ``url``, expect ``status``, and check the page as ``assert_page_clean`` does."""
    response = page.goto(url)
    assert response.status == status, (url, response.status)
    assert_page_clean(page)
    return response
